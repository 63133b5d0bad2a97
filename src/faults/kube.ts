// What the kubernetes and chaos-mesh backends share: kubeconfig + context, the allow check, pod listing by the
// Milvus Helm chart's labels, and a watch that reports when enough pods are Ready again.
import * as k8s from '@kubernetes/client-node';
import { TargetError, UsageError } from '../errors.js';
import type { KubernetesFaultConfig, MilvusRole } from '../scenario/types.js';
import { errorText, sleep } from './common.js';
import type { FaultTargetRef } from './types.js';

const INSTANCE_LABEL = 'app.kubernetes.io/instance';

// Component labels of the Milvus Helm chart; its etcd / minio / pulsar subcharts label pods their own way.
const DEFAULT_SELECTORS: Record<MilvusRole, string> = {
  proxy: 'app.kubernetes.io/component=proxy',
  querynode: 'app.kubernetes.io/component=querynode',
  datanode: 'app.kubernetes.io/component=datanode',
  indexnode: 'app.kubernetes.io/component=indexnode',
  streamingnode: 'app.kubernetes.io/component=streamingnode',
  coordinator: 'app.kubernetes.io/component=mixcoord',
  standalone: 'app.kubernetes.io/component=standalone',
  etcd: 'app.kubernetes.io/name=etcd',
  minio: 'app=minio',
  pulsar: 'app=pulsar',
};

export function isApiStatus(error: unknown, code: number): boolean {
  return error instanceof k8s.ApiException && error.code === code;
}

export class KubeScope {
  readonly kubeConfig = new k8s.KubeConfig();
  readonly core: k8s.CoreV1Api;
  readonly custom: k8s.CustomObjectsApi;
  readonly context: string;
  readonly namespace: string;

  constructor(
    readonly config: KubernetesFaultConfig,
    private readonly allow: string[],
  ) {
    try {
      if (config.kubeconfig) this.kubeConfig.loadFromFile(config.kubeconfig);
      else this.kubeConfig.loadFromDefault();
      if (config.context) this.kubeConfig.setCurrentContext(config.context);
    } catch (error) {
      throw new UsageError(`faults.kubernetes: cannot load kubeconfig ${config.kubeconfig ?? '(default)'}: ${errorText(error)}`);
    }
    this.context = this.kubeConfig.getCurrentContext();
    this.namespace = config.namespace;
    this.core = this.kubeConfig.makeApiClient(k8s.CoreV1Api);
    this.custom = this.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  }

  describe(): string {
    return `namespace '${this.namespace}' in kube context '${this.context}', Helm release '${this.config.instance}'`;
  }

  /** kubectl flags that point a manual command at the same place */
  kubectlScope(): string {
    return `-n ${this.namespace} --context ${this.context}`;
  }

  /** Allowed when `allow` names '<context>/<namespace>', or both the context and the namespace. */
  async preflight(): Promise<void> {
    const scoped = `${this.context}/${this.namespace}`;
    const allowed = this.allow.includes(scoped) || (this.allow.includes(this.context) && this.allow.includes(this.namespace));
    if (!allowed) {
      throw new UsageError(
        `faults.allow must contain '${scoped}' (kube context/namespace) before faults may touch pods there (faults.allow is [${this.allow.join(', ')}])`,
      );
    }
    try {
      await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: `${INSTANCE_LABEL}=${this.config.instance}`, limit: 1 });
    } catch (error) {
      throw new TargetError(`cannot list pods in ${this.describe()}: ${errorText(error)}`);
    }
  }

  selector(role: MilvusRole): string {
    return `${INSTANCE_LABEL}=${this.config.instance},${this.config.selectors[role] ?? DEFAULT_SELECTORS[role]}`;
  }

  async pods(role: MilvusRole): Promise<k8s.V1Pod[]> {
    const list = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector(role) });
    return list.items;
  }

  async runningTargets(role: MilvusRole): Promise<FaultTargetRef[]> {
    const pods = await this.pods(role);
    return pods
      .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)
      .map((p) => ({ name: p.metadata?.name ?? '', role, id: p.metadata?.uid ?? '' }));
  }

  /**
   * Resolves with the epoch ms at which at least `want` pods of the role are Ready and fresh: not one of `hitUids`,
   * or Ready again after `sinceMs`. Lists once, then follows a watch; null when `timeoutMs` passes first.
   */
  async waitReady(role: MilvusRole, want: number, hitUids: Set<string>, sinceMs: number, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    const pods = new Map<string, k8s.V1Pod>();
    const fresh = (pod: k8s.V1Pod) => {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status !== 'True' || pod.metadata?.deletionTimestamp) return false;
      if (!hitUids.has(pod.metadata?.uid ?? '')) return true;
      return ready.lastTransitionTime !== undefined && new Date(ready.lastTransitionTime).getTime() >= sinceMs;
    };
    const enough = () => [...pods.values()].filter(fresh).length >= want;
    while (Date.now() < deadline) {
      const list = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector(role) });
      pods.clear();
      for (const pod of list.items) pods.set(pod.metadata?.uid ?? '', pod);
      if (enough()) return Date.now();
      const seen = await this.followWatch(role, list.metadata?.resourceVersion, pods, enough, deadline);
      if (seen !== null) return seen;
      await sleep(200); // the watch ended early: list again, without spinning
    }
    return null;
  }

  private async followWatch(
    role: MilvusRole,
    resourceVersion: string | undefined,
    pods: Map<string, k8s.V1Pod>,
    enough: () => boolean,
    deadline: number,
  ): Promise<number | null> {
    return new Promise<number | null>((resolve) => {
      let controller: AbortController | undefined;
      let settled = false;
      const finish = (value: number | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller?.abort();
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), Math.max(0, deadline - Date.now()));
      new k8s.Watch(this.kubeConfig)
        .watch(
          `/api/v1/namespaces/${this.namespace}/pods`,
          { labelSelector: this.selector(role), resourceVersion },
          (type: string, pod: k8s.V1Pod) => {
            const uid = pod.metadata?.uid ?? '';
            if (type === 'DELETED') pods.delete(uid);
            else if (type === 'ADDED' || type === 'MODIFIED') pods.set(uid, pod);
            if (enough()) finish(Date.now());
          },
          () => finish(null),
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          () => finish(null),
        );
    });
  }
}
