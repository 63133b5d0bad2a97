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
}

/** One scheduled occurrence of a fault spec, as recorded in result.json. */
export interface FaultRecord {
  index: number;
  /** occurrence number for repeated faults (0-based) */
  occurrence: number;
  action: FaultAction;
  role: MilvusRole;
  pick: string;
  targets: string[];
  backend: string;
  scheduledAtMs: number;
  injectedMs: number | null;
  revertedMs: number | null;
  backendRecoveredMs: number | null;
  error?: string;
  revertError?: string;
  manualRevert?: string;
}
