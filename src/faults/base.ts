// What backends that list candidates per role have in common: pick resolution, action checks, the exec escape hatch.
import type { FaultAction, FaultSpec, MilvusRole } from '../model/index.js';
import { checkExec, injectExec, revertExec, unsupported } from './common.js';
import { occurrenceSeed, pickTargets, type PickResult } from './pick.js';
import type { FaultBackend, FaultTargetRef, InjectedFault, RecoveryObservation } from './types.js';

export abstract class CandidateBackend implements FaultBackend {
  abstract readonly name: string;
  /** actions this backend performs itself (exec is always handled here) */
  protected abstract readonly actions: ReadonlySet<FaultAction>;
  /** why the others are missing, and what to use instead */
  protected abstract readonly unsupportedHint: string;

  abstract describe(): string;
  abstract preflight(): Promise<void>;
  /** every target of a role the backend can hit with this action right now (start: stopped ones; others: running ones) */
  protected abstract candidates(role: MilvusRole, action: FaultAction): Promise<FaultTargetRef[]>;
  protected abstract injectAction(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault>;
  protected abstract revertAction(fault: InjectedFault): Promise<void>;
  abstract observeRecovery(fault: InjectedFault, sinceMs: number, timeoutMs: number): Promise<RecoveryObservation>;
  async close(): Promise<void> {}

  check(spec: FaultSpec): string | null {
    if (spec.action === 'exec') return checkExec(spec);
    if (!this.actions.has(spec.action)) return unsupported(this.name, spec.action, this.unsupportedHint);
    return this.checkOptions(spec);
  }

  protected checkOptions(_spec: FaultSpec): string | null {
    return null;
  }

  async resolvePick(spec: FaultSpec, seed: number): Promise<PickResult> {
    const candidates = await this.candidates(spec.target.role, spec.action);
    return pickTargets(candidates, spec.target.pick, seed, `${spec.target.role} (${this.describe()})`);
  }

  async resolve(spec: FaultSpec): Promise<FaultTargetRef[]> {
    return (await this.resolvePick(spec, occurrenceSeed(0, 0))).targets;
  }

  async inject(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
    const problem = this.check(spec);
    if (problem) throw new Error(problem);
    return spec.action === 'exec' ? injectExec(spec, targets) : this.injectAction(spec, targets);
  }

  async revert(fault: InjectedFault): Promise<void> {
    if (fault.action === 'exec') await revertExec(fault);
    else await this.revertAction(fault);
  }
}
