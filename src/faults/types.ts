// The one interface every fault backend (local, docker, kubernetes, chaos-mesh, process) implements.
import type { FaultAction, FaultSpec, MilvusRole } from '../model/index.js';
export type { FaultEvent, FaultRecord } from '../model/index.js';

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

/** One component of the local cluster as its supervisor reports it. */
export interface LocalComponent {
  name: string;
  role: string;
  pid: number | null;
  alive: boolean;
  stopped: boolean;
}

/**
 * The local cluster's supervisor, as the local backend drives it. target/ hands it over (target/local-cluster.ts):
 * faults/ never imports local/.
 */
export interface LocalClusterControl {
  readonly dataDir: string;
  /** null when no cluster runs in dataDir */
  components(): Promise<LocalComponent[] | null>;
  signal(name: string, signal: NodeJS.Signals): Promise<void>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** epoch ms the component was ready; throws after timeoutMs */
  waitReady(name: string, timeoutMs: number): Promise<number>;
}

/** Where createFaultBackend finds what it cannot read from the config. */
export interface FaultBackendContext {
  /** the local cluster (local backend) */
  localCluster?: LocalClusterControl;
  /** when given, every spec is checked against the backend at creation (UsageError listing each problem) */
  faults?: FaultSpec[];
}
