// What the kubernetes and chaos-mesh backends share: kubeconfig + context, the allow check, pod listing by the
// labels of the Milvus Helm chart and the Milvus Operator, and a watch that reports when enough pods are Ready again.
import * as k8s from '@kubernetes/client-node';
import { TargetError, UsageError } from '../errors.js';
import type { KubernetesFaultConfig, MilvusRole } from '../model/index.js';
import { errorText, MILVUS_COMPONENT_NAMES, sleep } from './common.js';
import type { FaultTargetRef } from './types.js';

const INSTANCE_LABEL = 'app.kubernetes.io/instance';

// The component value Milvus's installers give each role's pods (Helm chart and Milvus Operator agree on the values).
const COMPONENTS: Partial<Record<MilvusRole, string>> = MILVUS_COMPONENT_NAMES;
// etcd / minio / pulsar come from subcharts (or the operator's dependencies), which label pods their own way.
const DEPENDENCY_SELECTORS: Partial<Record<MilvusRole, string>> = {
  etcd: 'app.kubernetes.io/name=etcd',
  minio: 'app=minio',
  pulsar: 'app=pulsar',
};

/** Label selectors for a role's pods, per install flavor: Helm chart `component=<role>`, Milvus Operator `app.kubernetes.io/component=<role>`. */
export function roleSelectors(config: Pick<KubernetesFaultConfig, 'instance' | 'flavor' | 'selectors'>, role: MilvusRole): string[] {
  const instance = `${INSTANCE_LABEL}=${config.instance}`;
  const custom = config.selectors[role] ?? DEPENDENCY_SELECTORS[role];
  if (custom) return [`${instance},${custom}`];
  const component = COMPONENTS[role] ?? role;
  const helm = `${instance},app.kubernetes.io/name=milvus,component=${component}`;
  const operator = `${instance},app.kubernetes.io/name=milvus,app.kubernetes.io/component=${component},app.kubernetes.io/managed-by=milvus-operator`;
  if (config.flavor === 'helm') return [helm];
  if (config.flavor === 'operator') return [operator];
  return [helm, operator];
}

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

  selectors(role: MilvusRole): string[] {
    return roleSelectors(this.config, role);
  }

  /** The role's pods under every selector of its flavor(s), each pod once; the newest resourceVersion per selector. */
  async listRole(role: MilvusRole): Promise<{ pods: k8s.V1Pod[]; versions: Map<string, string | undefined> }> {
    const byUid = new Map<string, k8s.V1Pod>();
    const versions = new Map<string, string | undefined>();
    for (const labelSelector of this.selectors(role)) {
      const list = await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector });
      versions.set(labelSelector, list.metadata?.resourceVersion);
      for (const pod of list.items) byUid.set(pod.metadata?.uid ?? pod.metadata?.name ?? '', pod);
    }
    return { pods: [...byUid.values()], versions };
  }

  async pods(role: MilvusRole): Promise<k8s.V1Pod[]> {
    return (await this.listRole(role)).pods;
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
      const list = await this.listRole(role);
      pods.clear();
      for (const pod of list.pods) pods.set(pod.metadata?.uid ?? '', pod);
      if (enough()) return Date.now();
      const stop = new AbortController();
      const watches = [...list.versions].map(([selector, version]) => this.followWatch(selector, version, pods, enough, deadline, stop.signal));
      const seen = await Promise.race(watches);
      stop.abort(); // the first watch to end ends them all
      if (seen !== null) return seen;
      await sleep(200); // a watch ended early: list again, without spinning
    }
    return null;
  }

  private async followWatch(
    labelSelector: string,
    resourceVersion: string | undefined,
    pods: Map<string, k8s.V1Pod>,
    enough: () => boolean,
    deadline: number,
    stop: AbortSignal,
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
      stop.addEventListener('abort', () => finish(null), { once: true });
      new k8s.Watch(this.kubeConfig)
        .watch(
          `/api/v1/namespaces/${this.namespace}/pods`,
          { labelSelector, resourceVersion },
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
