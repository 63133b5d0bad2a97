// A namespace with a Milvus Helm release ('mb': two querynodes, one proxy) and a querynode of another release.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultSpec, KubernetesFaultConfig } from '../../src/scenario/types.js';
import { KubeApiDouble } from './kube-api-double.js';

export const NAMESPACE = 'milvus';
export const QUERYNODE_SELECTOR = 'app.kubernetes.io/instance=mb,app.kubernetes.io/component=querynode';

const labels = (instance: string, component: string) => ({
  'app.kubernetes.io/instance': instance,
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/name': 'milvus',
});

export async function startCluster(): Promise<{ api: KubeApiDouble; config: KubernetesFaultConfig; cleanup: () => Promise<void> }> {
  const api = new KubeApiDouble(NAMESPACE);
  await api.start();
  const dir = mkdtempSync(join(tmpdir(), 'mb-kube-'));
  api.addPod('mb-milvus-querynode-6f7d9-aaaaa', labels('mb', 'querynode'));
  api.addPod('mb-milvus-querynode-6f7d9-bbbbb', labels('mb', 'querynode'));
  api.addPod('mb-milvus-proxy-5c8b7-ccccc', labels('mb', 'proxy'));
  api.addPod('other-milvus-querynode-1a2b3-ddddd', labels('other', 'querynode'));
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
