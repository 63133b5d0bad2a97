// The one interface every fault backend (local, docker, kubernetes, chaos-mesh, process) implements.
import type { FaultAction, FaultSpec, MilvusRole } from '../scenario/types.js';

/** Something a backend can hit: a process, a container, a pod. */
export interface FaultTargetRef {
  /** the name users see and can pick by: 'querynode-1', 'milvus-querynode-1', 'my-release-milvus-querynode-5d8f-abc' */
  name: string;
  role: MilvusRole;
  /** backend-specific identity: pid, container id, pod uid … */
  id: string;
}

/** What a backend did, enough to undo it. */
export interface InjectedFault {
  action: FaultAction;
  targets: FaultTargetRef[];
  /** opaque state the backend needs to revert (a CR name, stopped container ids, …) */
  revertState: unknown;
  /** a shell command a human can run to finish the revert if the tool cannot */
  manualRevert: string;
  /** false when there is nothing to undo (a deleted pod, a killed process a supervisor restarts); default true */
  needsRevert?: boolean;
}

export interface RecoveryObservation {
  /** epoch ms when the backend saw the target serving again (replacement pod Ready, container healthy, process restarted and ready) */
  recoveredMs: number | null;
  detail: string;
}

export interface FaultBackend {
  readonly name: string;
  /** Describe where actions would land (for --dry-run and for the result). Never touches anything. */
  describe(): string;
  /** Refuse early, before any load starts, when the configured scope is not in `allow` or unreachable. */
  preflight(): Promise<void>;
  /** Resolve the role + pick into concrete targets, without touching them. */
  resolve(spec: FaultSpec): Promise<FaultTargetRef[]>;
  inject(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault>;
  /** Undo what inject did (unpause, reconnect, delete CR, start stopped). Idempotent. */
  revert(fault: InjectedFault): Promise<void>;
  /** Wait (up to timeoutMs) until the hit targets, or their replacements, serve again. */
  observeRecovery(fault: InjectedFault, sinceMs: number, timeoutMs: number): Promise<RecoveryObservation>;
  close(): Promise<void>;
  /** resolve() plus how the pick was made; `seed` makes 'one' / counts / percents deterministic per occurrence. */
  resolvePick?(spec: FaultSpec, seed: number): Promise<{ targets: FaultTargetRef[]; detail: string }>;
  /** Why this backend cannot run a spec (unsupported action, missing option), or null; checked before any load starts. */
  check?(spec: FaultSpec): string | null;
}

/** Where createFaultBackend finds what it cannot read from the config. */
export interface FaultBackendContext {
  /** data dir of the local cluster (local backend) */
  localDataDir?: string;
  /** when given, every spec is checked against the backend at creation (UsageError listing each problem) */
  faults?: FaultSpec[];
}

/** Progress of one fault occurrence, for live output. */
export interface FaultEvent {
  kind: 'injected' | 'reverted' | 'recovered' | 'failed' | 'revert-failed' | 'not-recovered';
  record: FaultRecord;
  /** epoch ms */
  atMs: number;
  /** one line for people; for revert-failed it names the manual command */
  message: string;
}

/** One scheduled occurrence of a fault spec, as recorded in result.json. */
export interface FaultRecord {
  index: number;
  /** occurrence number for repeated faults (0-based) */
  occurrence: number;
  action: FaultAction;
  role: MilvusRole;
  pick: string;
  /** how the pick was resolved: 'seeded random (seed 123) 1 of 3', 'first by name among 3', 'exact name', 'all 3' */
  pickDetail?: string;
  targets: string[];
  backend: string;
  /** epoch ms the occurrence was due (load start + atMs) */
  scheduledAtMs: number;
  /**
   * 'injected': the backend did everything the spec asks; 'failed': the injection failed or only partly happened
   * (whatever did happen is reverted; `error` says why); 'skipped': never attempted (the run ended first).
   */
  status: 'injected' | 'failed' | 'skipped';
  /**
   * epoch ms the inject call BEGAN (after the targets were resolved): the fault's clock starts here, since the
   * fault may bite long before the call returns (docker stop waits up to t=10 s, Chaos Mesh polls for AllInjected).
   * Also set for a failed injection (its parts may have landed); null only when the call never started.
   */
  callStartedMs: number | null;
  /** how long the inject call took (callStartedMs → it returned or threw); null when it never started or never returned */
  injectCallMs: number | null;
  /**
   * epoch ms the inject call RETURNED with every part in place (status 'injected'); null otherwise.
   * Meaning unchanged; downtime is measured from callStartedMs, not from here.
   */
  injectedMs: number | null;
  /** epoch ms the revert finished (every undo step done); null when nothing was reverted or the revert failed */
  revertedMs: number | null;
  backendRecoveredMs: number | null;
  error?: string;
  revertError?: string;
  manualRevert?: string;
}
