// The process backend: plain local processes found by command-line pattern (/proc/<pid>/cmdline), hit with signals.
// For users running Milvus binaries directly; nothing restarts a killed process unless their own supervisor does.
import type { FaultAction, FaultSpec, MilvusRole, ProcessFaultConfig } from '../model/index.js';
import { UsageError } from '../errors.js';
import { CandidateBackend } from './base.js';
import { errorText, PartialInjectionError, pollUntil } from './common.js';
import { isAlive, listProcesses, processState, waitStopped } from './proc.js';
import type { FaultTargetRef, InjectedFault, RecoveryObservation } from './types.js';

/** What `allow` must contain before this backend signals anything. */
export const PROCESS_ALLOW_SCOPE = 'process';

interface ProcessRevertState {
  pids: number[];
  pattern: string;
  /** matching processes before the fault: recovery means as many are alive again */
  before: number;
}

export class ProcessFaultBackend extends CandidateBackend {
  readonly name = 'process';
  protected readonly actions = new Set<FaultAction>(['kill', 'pause']);
  protected readonly unsupportedHint =
    'it can only signal processes it did not start: kill and pause; use the local, docker or kubernetes backend, or exec with your own command';

  constructor(
    private readonly config: ProcessFaultConfig,
    private readonly allow: string[],
  ) {
    super();
  }

  describe(): string {
    const roles = Object.entries(this.config.patterns).map(([role, pattern]) => `${role}=/${pattern}/`);
    return `local processes by command line (${roles.join(', ') || 'no patterns configured'})`;
  }

  async preflight(): Promise<void> {
    if (!this.allow.includes(PROCESS_ALLOW_SCOPE)) {
      throw new UsageError(
        `faults.allow must contain '${PROCESS_ALLOW_SCOPE}' before the process backend may signal local processes (faults.allow is [${this.allow.join(', ')}])`,
      );
    }
    for (const [role, pattern] of Object.entries(this.config.patterns)) {
      try {
        new RegExp(pattern);
      } catch {
        throw new UsageError(`faults.process.patterns.${role} is not a valid regular expression: ${pattern}`);
      }
    }
  }

  protected override checkOptions(spec: FaultSpec): string | null {
    if (!this.config.patterns[spec.target.role]) {
      return `faults.process.patterns has no command-line pattern for role '${spec.target.role}'`;
    }
    return null;
  }

  private pattern(role: MilvusRole): RegExp {
    const source = this.config.patterns[role];
    if (!source) throw new Error(`faults.process.patterns has no command-line pattern for role '${role}'`);
    return new RegExp(source);
  }

  protected async candidates(role: MilvusRole, _action?: FaultAction): Promise<FaultTargetRef[]> {
    const pattern = this.pattern(role);
    const own = new Set([process.pid, process.ppid, 1]);
    const matching = (await listProcesses()).filter((p) => !own.has(p.pid) && pattern.test(p.cmdline));
    const live = [];
    for (const p of matching) if (await isAlive(p.pid)) live.push(p);
    return live.map((p) => ({ name: `${role}-${p.pid}`, role, id: String(p.pid) }));
  }

  protected async injectAction(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
    const pids = targets.map((t) => Number(t.id));
    const signal = spec.action === 'pause' ? 'SIGSTOP' : ((spec.options.signal ?? 'SIGKILL') as NodeJS.Signals);
    const before = (await this.candidates(spec.target.role)).length;
    const faultOn = (hit: number[]): InjectedFault => ({
      action: spec.action,
      targets: targets.filter((t) => hit.includes(Number(t.id))),
      revertState: { pids: hit, pattern: this.config.patterns[spec.target.role] ?? '', before } satisfies ProcessRevertState,
      manualRevert: spec.action === 'pause' ? `kill -CONT ${hit.join(' ')}` : 'nothing to revert (your supervisor restarts killed processes)',
      needsRevert: spec.action === 'pause',
    });
    const hit: number[] = [];
    const failures: string[] = [];
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
        hit.push(pid);
      } catch (error) {
        failures.push(`pid ${pid}: ${errorText(error)}`);
      }
    }
    if (failures.length > 0) {
      if (spec.action === 'pause') await waitStopped(hit);
      throw new PartialInjectionError(`${signal} failed for ${failures.length} of ${pids.length} process(es): ${failures.join('; ')}`, faultOn(hit));
    }
    if (spec.action === 'pause') await waitStopped(pids);
    return faultOn(pids);
  }

  protected async revertAction(fault: InjectedFault): Promise<void> {
    if (fault.action !== 'pause') return;
    for (const pid of (fault.revertState as ProcessRevertState).pids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  }

  async observeRecovery(fault: InjectedFault, _sinceMs: number, timeoutMs: number): Promise<RecoveryObservation> {
    const { pids, pattern, before } = fault.revertState as ProcessRevertState;
    if (fault.action === 'pause') {
      const resumed = await pollUntil(async () => {
        const states = await Promise.all(pids.map(processState));
        return states.every((s) => s !== 'T' && s !== 't') ? Date.now() : undefined;
      }, timeoutMs, 50);
      return { recoveredMs: resumed ?? null, detail: resumed ? `pid ${pids.join(', ')} running again` : `still stopped after ${timeoutMs} ms` };
    }
    if (fault.action !== 'kill') return { recoveredMs: null, detail: `no recovery to observe for ${fault.action}` };
    const gone = new Set(pids);
    const replacement = await pollUntil(async () => {
      const alive = await this.candidates(fault.targets[0].role);
      const fresh = alive.filter((t) => !gone.has(Number(t.id)));
      return fresh.length >= before ? { at: Date.now(), pids: fresh.map((t) => t.id) } : undefined;
    }, timeoutMs, 100);
    return replacement
      ? { recoveredMs: replacement.at, detail: `replacement process(es) ${replacement.pids.join(', ')} running` }
      : { recoveredMs: null, detail: `no replacement process matched /${pattern}/ within ${timeoutMs} ms` };
  }
}
