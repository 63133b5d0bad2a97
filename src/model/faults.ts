// What result.json and live output record of each fault occurrence.
import type { FaultAction, MilvusRole } from './scenario.js';

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
