// A namespace with a Milvus release 'mb' (two querynodes, one proxy) and a querynode of another release, labelled as the
// Milvus Helm chart labels pods (component=<role>) or as the Milvus Operator does (app.kubernetes.io/component=<role>).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultSpec, KubernetesFaultConfig } from '../../src/model/index.js';
import { KubeApiDouble } from './kube-api-double.js';

export type Flavor = 'helm' | 'operator';
export const NAMESPACE = 'milvus';
/** the selectors real installs answer to, written out by hand (not taken from the code under test) */
export const HELM_SELECTOR = (role: string) => `app.kubernetes.io/instance=mb,app.kubernetes.io/name=milvus,component=${role}`;
export const OPERATOR_SELECTOR = (role: string) =>
  `app.kubernetes.io/instance=mb,app.kubernetes.io/name=milvus,app.kubernetes.io/component=${role},app.kubernetes.io/managed-by=milvus-operator`;
export const QUERYNODE_SELECTOR = HELM_SELECTOR('querynode');

/** The labels each installer puts on a pod (Helm chart 4.x templates; Milvus Operator's pod template). */
export function podLabels(flavor: Flavor, instance: string, component: string): Record<string, string> {
  if (flavor === 'helm') return { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/name': 'milvus', component };
  return {
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/name': 'milvus',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'milvus-operator',
  };
}

export async function startCluster(flavor: Flavor = 'helm'): Promise<{ api: KubeApiDouble; config: KubernetesFaultConfig; cleanup: () => Promise<void> }> {
  const api = new KubeApiDouble(NAMESPACE);
  await api.start();
  const dir = mkdtempSync(join(tmpdir(), 'mb-kube-'));
  api.addPod('mb-milvus-querynode-6f7d9-aaaaa', podLabels(flavor, 'mb', 'querynode'));
  api.addPod('mb-milvus-querynode-6f7d9-bbbbb', podLabels(flavor, 'mb', 'querynode'));
  api.addPod('mb-milvus-proxy-5c8b7-ccccc', podLabels(flavor, 'mb', 'proxy'));
  api.addPod('other-milvus-querynode-1a2b3-ddddd', podLabels(flavor, 'other', 'querynode'));
  const config: KubernetesFaultConfig = { kubeconfig: api.writeKubeconfig(dir), namespace: NAMESPACE, instance: 'mb', selectors: {} };
  return {
    api,
    config,
    cleanup: async () => {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const spec = (over: Partial<FaultSpec>): FaultSpec => ({ atMs: 0, action: 'kill', target: { role: 'querynode', pick: 'one' }, options: {}, ...over });
