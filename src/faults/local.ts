// The local backend: components of the embedded local test cluster (not Milvus; real OS processes under its
// supervisor). kill = SIGKILL (the supervisor restarts it), pause = SIGSTOP/SIGCONT, stop/start/restart via the supervisor.
import { TargetError } from '../errors.js';
import type { FaultAction, FaultSpec, MilvusRole } from '../model/index.js';
import { CandidateBackend } from './base.js';
import { errorText, PartialInjectionError, pollUntil, shellQuote } from './common.js';
import { processState, waitStopped } from './proc.js';
import type { FaultTargetRef, InjectedFault, LocalClusterControl, RecoveryObservation } from './types.js';

const LOCAL_ROLES: ReadonlySet<MilvusRole> = new Set(['coordinator', 'proxy', 'querynode']);
/** the real Milvus standalone (`local up --engine milvus`) is one component of this role */
const REAL_STANDALONE_ROLE: MilvusRole = 'standalone';

interface LocalRevertState {
  /** component name → pid at injection */
  pids: Record<string, number>;
}

export class LocalFaultBackend extends CandidateBackend {
  readonly name = 'local';
  protected readonly actions = new Set<FaultAction>(['kill', 'stop', 'start', 'restart', 'pause']);
  protected readonly unsupportedHint =
    'its components all talk over 127.0.0.1, so there is no network to cut or slow; use the docker or chaos-mesh backend for partition and delay';

  private readonly dataDir: string;

  constructor(private readonly cluster: LocalClusterControl) {
    super();
    this.dataDir = cluster.dataDir;
  }

  describe(): string {
    return `local test cluster (not Milvus) in ${this.dataDir}`;
  }

  // The local cluster belongs to this tool (started for the run or by `local up`), so no allow entry is needed.
  async preflight(): Promise<void> {
    if (!(await this.cluster.components())) {
      throw new TargetError(`no local cluster is running in ${this.dataDir}; start one with npx milvus-bench local up --data-dir ${this.dataDir}`);
    }
  }

  protected override checkOptions(spec: FaultSpec): string | null {
    if (!LOCAL_ROLES.has(spec.target.role) && spec.target.role !== REAL_STANDALONE_ROLE) {
      return `the local test cluster has no '${spec.target.role}' role; it has ${[...LOCAL_ROLES].join(', ')}`;
    }
    return null;
  }

  protected async candidates(role: MilvusRole, action: FaultAction): Promise<FaultTargetRef[]> {
    const components = await this.cluster.components();
    if (!components) throw new Error(`the local cluster in ${this.dataDir} is not running`);
    return components
      .filter((c) => c.role === role && (action === 'start' ? c.stopped : c.alive && !c.stopped))
      .map((c) => ({ name: c.name, role, id: String(c.pid ?? '') }));
  }

  protected async injectAction(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
    const pids = Object.fromEntries(targets.map((t) => [t.name, Number(t.id)]));
    const dir = shellQuote(this.dataDir);
    const needsRevert = spec.action === 'pause' || spec.action === 'stop';
    const manual = (hit: FaultTargetRef[]) => {
      if (spec.action === 'pause') return `kill -CONT ${hit.map((t) => pids[t.name]).join(' ')}`;
      if (spec.action === 'stop') return hit.map((t) => `npx milvus-bench local start ${t.name} --data-dir ${dir}`).join(' && ');
      return 'nothing to revert';
    };
    const faultOn = (hit: FaultTargetRef[]): InjectedFault => ({
      action: spec.action,
      targets: hit,
      revertState: { pids } satisfies LocalRevertState,
      manualRevert: manual(hit),
      needsRevert,
    });
    for (const [i, target] of targets.entries()) {
      const name = target.name;
      try {
        if (spec.action === 'kill') await this.signal(name, pids[name], (spec.options.signal ?? 'SIGKILL') as NodeJS.Signals);
        else if (spec.action === 'pause') await this.signal(name, pids[name], 'SIGSTOP');
        else if (spec.action === 'stop') await this.cluster.stop(name);
        else if (spec.action === 'start') await this.cluster.start(name);
        else if (spec.action === 'restart') await this.cluster.restart(name);
      } catch (error) {
        // the failing target is reverted too: its step may have half happened, and every revert step is idempotent
        const hit = targets.slice(0, i + 1);
        throw new PartialInjectionError(`${spec.action} ${name} failed (after ${i} of ${targets.length} done): ${errorText(error)}`, faultOn(hit));
      }
    }
    if (spec.action === 'pause') await waitStopped(Object.values(pids));
    return faultOn(targets);
  }

  /** Signals the pid resolved at pick time, so a revert resumes exactly the process that was paused. */
  private async signal(name: string, pid: number | undefined, signal: NodeJS.Signals): Promise<void> {
    if (pid !== undefined && Number.isInteger(pid) && pid > 0) {
      process.kill(pid, signal);
      return;
    }
    await this.cluster.signal(name, signal);
  }

  /** Every target is tried even when one fails; SIGCONT to a process that is gone, or start of a running one, is a no-op. */
  protected async revertAction(fault: InjectedFault): Promise<void> {
    const problems: string[] = [];
    for (const target of fault.targets) {
      try {
        if (fault.action === 'pause') await this.signal(target.name, (fault.revertState as LocalRevertState).pids[target.name], 'SIGCONT');
        if (fault.action === 'stop') await this.cluster.start(target.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') problems.push(`${target.name}: ${errorText(error)}`);
      }
    }
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  async observeRecovery(fault: InjectedFault, sinceMs: number, timeoutMs: number): Promise<RecoveryObservation> {
    const { pids } = fault.revertState as LocalRevertState;
    const deadline = sinceMs + timeoutMs;
    let latest = 0;
    for (const target of fault.targets) {
      const oldPid = pids[target.name];
      const left = () => Math.max(0, deadline - Date.now());
      if (fault.action === 'pause') {
        const resumed = await pollUntil(async () => ((await processState(oldPid)) !== 'T' ? Date.now() : undefined), left(), 50);
        if (!resumed) return { recoveredMs: null, detail: `${target.name} still stopped (SIGSTOP) after ${timeoutMs} ms` };
        latest = Math.max(latest, resumed);
        continue;
      }
      if (fault.action === 'kill' || fault.action === 'restart') {
        // the supervisor's status still shows the old process for a moment; wait for the new one first
        const replaced = await pollUntil(async () => {
          const component = (await this.cluster.components())?.find((c) => c.name === target.name);
          return component?.pid && component.pid !== oldPid ? true : undefined;
        }, left(), 50);
        if (!replaced) return { recoveredMs: null, detail: `${target.name} was not restarted within ${timeoutMs} ms` };
      }
      try {
        latest = Math.max(latest, await this.cluster.waitReady(target.name, left()));
      } catch {
        return { recoveredMs: null, detail: `${target.name} not ready again within ${timeoutMs} ms` };
      }
    }
    return { recoveredMs: latest, detail: `${fault.targets.map((t) => t.name).join(', ')} ready again` };
  }
}
