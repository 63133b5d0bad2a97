// The kubernetes backend: Milvus pods by Helm labels in one namespace; kill = delete with grace 0, restart = delete
// with the pod's own grace period. Recovery is a watch for replacement pods becoming Ready.
import type { FaultAction, FaultSpec, KubernetesFaultConfig, MilvusRole } from '../model/index.js';
import { CandidateBackend } from './base.js';
import { errorText, PartialInjectionError } from './common.js';
import { isApiStatus, KubeScope } from './kube.js';
import type { FaultTargetRef, InjectedFault, RecoveryObservation } from './types.js';

interface PodDeleteState {
  /** Ready pods of the role before the fault; recovery means as many fresh Ready pods again */
  before: number;
}

export class KubernetesFaultBackend extends CandidateBackend {
  readonly name = 'kubernetes';
  protected readonly actions = new Set<FaultAction>(['kill', 'restart']);
  protected readonly unsupportedHint = 'plain Kubernetes can only delete pods (kill, restart); use the chaos-mesh backend for pause, partition and delay';
  private readonly scope: KubeScope;

  constructor(config: KubernetesFaultConfig, allow: string[]) {
    super();
    this.scope = new KubeScope(config, allow);
  }

  describe(): string {
    return this.scope.describe();
  }

  preflight(): Promise<void> {
    return this.scope.preflight();
  }

  protected candidates(role: MilvusRole): Promise<FaultTargetRef[]> {
    return this.scope.runningTargets(role);
  }

  protected async injectAction(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
    const before = (await this.scope.runningTargets(spec.target.role)).length;
    const gracePeriodSeconds = spec.action === 'kill' ? 0 : undefined;
    const faultOn = (hit: FaultTargetRef[]): InjectedFault => ({
      action: spec.action,
      targets: hit,
      revertState: { before } satisfies PodDeleteState,
      manualRevert: 'nothing to revert (the controller recreates deleted pods)',
      needsRevert: false,
    });
    for (const [i, target] of targets.entries()) {
      try {
        await this.scope.core.deleteNamespacedPod({ name: target.name, namespace: this.scope.namespace, gracePeriodSeconds });
      } catch (error) {
        if (isApiStatus(error, 404)) continue; // already gone: the fault holds for it
        const deleted = targets.slice(0, i);
        const done = deleted.length > 0 ? `deleted ${deleted.map((t) => t.name).join(', ')}; ` : '';
        const rest = targets.slice(i + 1).map((t) => t.name);
        throw new PartialInjectionError(
          `deleting pod ${target.name} failed: ${errorText(error)} (${done}${rest.length > 0 ? `not attempted: ${rest.join(', ')}` : `${i} of ${targets.length} deleted`})`,
          faultOn(deleted),
        );
      }
    }
    return faultOn(targets);
  }

  protected async revertAction(): Promise<void> {}

  async observeRecovery(fault: InjectedFault, sinceMs: number, timeoutMs: number): Promise<RecoveryObservation> {
    const { before } = fault.revertState as PodDeleteState;
    const role = fault.targets[0].role;
    const hit = new Set(fault.targets.map((t) => t.id));
    const at = await this.scope.waitReady(role, before, hit, sinceMs, timeoutMs);
    return at
      ? { recoveredMs: at, detail: `${before} ${role} pod(s) Ready again (replacements for ${fault.targets.map((t) => t.name).join(', ')})` }
      : { recoveredMs: null, detail: `fewer than ${before} ${role} pods Ready within ${timeoutMs} ms` };
  }
}
