// The chaos-mesh backend: PodChaos (pod-kill, pod-failure, container-kill) and NetworkChaos (partition, delay, loss)
// custom resources (chaos-mesh.org/v1alpha1) aimed at the exact pods picked; waits for AllInjected, deletes at revert.
import { randomBytes } from 'node:crypto';
import type { FaultAction, FaultSpec, KubernetesFaultConfig, MilvusRole } from '../model/index.js';
import { CandidateBackend } from './base.js';
import { errorText, PartialInjectionError, pollUntil } from './common.js';
import { isApiStatus, KubeScope } from './kube.js';
import type { FaultTargetRef, InjectedFault, RecoveryObservation } from './types.js';

const GROUP = 'chaos-mesh.org';
const VERSION = 'v1alpha1';
const APPLY_TIMEOUT_MS = 30_000;
/** set by tests to exercise the timeout without waiting 30 s */
export const chaosTiming = { applyTimeoutMs: APPLY_TIMEOUT_MS };
/** pod-failure needs a duration; the CR is deleted at revert, so this only bounds a run that dies without reverting */
const UNBOUNDED_DURATION = '1h';

type ChaosKind = 'PodChaos' | 'NetworkChaos';
const PLURALS: Record<ChaosKind, string> = { PodChaos: 'podchaos', NetworkChaos: 'networkchaos' };

interface ChaosRevertState {
  kind: ChaosKind;
  name: string;
  before: number;
}

interface ChaosObject {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
}

function durationOf(spec: FaultSpec): string {
  return spec.revertAfterMs !== undefined ? `${spec.revertAfterMs}ms` : UNBOUNDED_DURATION;
}

export class ChaosMeshFaultBackend extends CandidateBackend {
  readonly name = 'chaos-mesh';
  protected readonly actions = new Set<FaultAction>(['kill', 'restart', 'pause', 'partition', 'delay']);
  protected readonly unsupportedHint = 'stop/start have no Chaos Mesh equivalent; use pause (pod-failure) or kill (pod-kill)';
  private readonly scope: KubeScope;
  /** first container name per pod uid, for container-kill */
  private readonly containers = new Map<string, string>();

  constructor(config: KubernetesFaultConfig, allow: string[]) {
    super();
    this.scope = new KubeScope(config, allow);
  }

  describe(): string {
    return `Chaos Mesh in ${this.scope.describe()}`;
  }

  async preflight(): Promise<void> {
    await this.scope.preflight();
  }

  protected override checkOptions(spec: FaultSpec): string | null {
    if (spec.action === 'delay' && spec.options.latencyMs === undefined && spec.options.lossPercent === undefined) {
      return "fault action 'delay' needs options.latencyMs (and optionally jitterMs) or options.lossPercent";
    }
    return null;
  }

  protected async candidates(role: MilvusRole): Promise<FaultTargetRef[]> {
    const pods = await this.scope.pods(role);
    const running = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
    for (const pod of running) this.containers.set(pod.metadata?.uid ?? '', pod.spec?.containers[0]?.name ?? '');
    return running.map((p) => ({ name: p.metadata?.name ?? '', role, id: p.metadata?.uid ?? '' }));
  }

  private podSelector(targets: FaultTargetRef[]) {
    const { namespace } = this.scope;
    return { namespaces: [namespace], pods: { [namespace]: targets.map((t) => t.name) } };
  }

  /** The CR spec as the Chaos Mesh CRDs define it: PodChaosSpec / NetworkChaosSpec. */
  chaosSpec(spec: FaultSpec, targets: FaultTargetRef[]): { kind: ChaosKind; body: Record<string, unknown> } {
    const selector = this.podSelector(targets);
    switch (spec.action) {
      case 'kill':
        return { kind: 'PodChaos', body: { action: 'pod-kill', mode: 'all', selector, gracePeriod: 0 } };
      case 'restart': {
        const containerNames = [...new Set(targets.map((t) => this.containers.get(t.id)).filter((n): n is string => Boolean(n)))];
        return { kind: 'PodChaos', body: { action: 'container-kill', mode: 'all', selector, containerNames } };
      }
      case 'pause':
        return { kind: 'PodChaos', body: { action: 'pod-failure', mode: 'all', selector, duration: durationOf(spec) } };
      case 'partition':
        return {
          kind: 'NetworkChaos',
          body: {
            action: 'partition',
            mode: 'all',
            selector,
            direction: 'both',
            target: { mode: 'all', selector: { namespaces: [this.scope.namespace], labelSelectors: { 'app.kubernetes.io/instance': this.scope.config.instance } } },
            duration: durationOf(spec),
          },
        };
      default: {
        const { latencyMs, jitterMs, lossPercent } = spec.options;
        const delay = latencyMs !== undefined ? { latency: `${latencyMs}ms`, jitter: `${jitterMs ?? 0}ms`, correlation: '0' } : undefined;
        const loss = lossPercent !== undefined ? { loss: String(lossPercent), correlation: '0' } : undefined;
        const action = delay && loss ? 'netem' : delay ? 'delay' : 'loss';
        return { kind: 'NetworkChaos', body: { action, mode: 'all', selector, direction: 'to', ...(delay && { delay }), ...(loss && { loss }), duration: durationOf(spec) } };
      }
    }
  }

  private collection(kind: ChaosKind) {
    return { group: GROUP, version: VERSION, namespace: this.scope.namespace, plural: PLURALS[kind] };
  }

  private ref(kind: ChaosKind, name: string) {
    return { ...this.collection(kind), name };
  }

  protected async injectAction(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
    const before = (await this.scope.runningTargets(spec.target.role)).length;
    const { kind, body } = this.chaosSpec(spec, targets);
    const name = `milvus-bench-${spec.action}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
    const manualRevert = `kubectl delete ${PLURALS[kind]} ${name} ${this.scope.kubectlScope()}`;
    const fault: InjectedFault = { action: spec.action, targets, revertState: { kind, name, before } satisfies ChaosRevertState, manualRevert };
    try {
      await this.scope.custom.createNamespacedCustomObject({
        ...this.collection(kind),
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind,
          metadata: { name, namespace: this.scope.namespace, labels: { 'app.kubernetes.io/managed-by': 'milvus-bench' } },
          spec: body,
        },
      });
    } catch (error) {
      // a create whose answer was lost may still have made the CR: the runner's revert deletes it (404 is fine)
      throw new PartialInjectionError(`creating ${kind} ${name} failed: ${errorText(error)}`, fault);
    }
    const timeoutMs = chaosTiming.applyTimeoutMs;
    const injected = await pollUntil(async () => {
      const object = (await this.scope.custom.getNamespacedCustomObject(this.ref(kind, name))) as ChaosObject;
      const condition = object.status?.conditions?.find((c) => c.type === 'AllInjected');
      return condition?.status === 'True' ? true : undefined;
    }, timeoutMs, 200);
    if (!injected) {
      // the CR may have hit some of the pods: the runner deletes it (and prints the kubectl command if it cannot)
      throw new PartialInjectionError(`${kind} ${name} was not AllInjected within ${timeoutMs} ms (is the Chaos Mesh controller running?)`, fault);
    }
    return fault;
  }

  protected async revertAction(fault: InjectedFault): Promise<void> {
    const { kind, name } = fault.revertState as ChaosRevertState;
    try {
      await this.scope.custom.deleteNamespacedCustomObject(this.ref(kind, name));
    } catch (error) {
      if (!isApiStatus(error, 404)) throw error;
    }
  }

  async observeRecovery(fault: InjectedFault, sinceMs: number, timeoutMs: number): Promise<RecoveryObservation> {
    const { kind, name, before } = fault.revertState as ChaosRevertState;
    if (kind === 'NetworkChaos') {
      const gone = await pollUntil(async () => {
        try {
          await this.scope.custom.getNamespacedCustomObject(this.ref(kind, name));
          return undefined;
        } catch (error) {
          return isApiStatus(error, 404) ? Date.now() : undefined;
        }
      }, timeoutMs, 200);
      return gone ? { recoveredMs: gone, detail: `${kind} ${name} removed` } : { recoveredMs: null, detail: `${kind} ${name} still present after ${timeoutMs} ms` };
    }
    const role = fault.targets[0].role;
    const hit = new Set(fault.targets.map((t) => t.id));
    const at = await this.scope.waitReady(role, before, hit, sinceMs, timeoutMs);
    return at ? { recoveredMs: at, detail: `${before} ${role} pod(s) Ready again after ${name}` } : { recoveredMs: null, detail: `fewer than ${before} ${role} pods Ready within ${timeoutMs} ms` };
  }
}
