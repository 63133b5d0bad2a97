// Public shapes of the load stage and the task message a Piscina worker receives for one phase.
import type { MessagePort } from 'node:worker_threads';
import type { IntervalPoint, OutcomeRun } from '../metrics/index.js';
import type { PhaseResult } from '../model/index.js';
import type { MetricType, Phase } from '../model/index.js';
import type { ChannelTarget } from './channel.js';
import type { CollectionInfo } from './protocol.js';

export interface LoadCollection {
  name: string;
  dim: number;
  metric: MetricType;
  pkField: string;
  vectorField: string;
  /** rows in the collection: a search with fewer than min(topK, rows) hits is a short result */
  rows: number;
}

export interface RecallQuery {
  queryIndex: number;
  /** exact nearest neighbours, best first */
  ids: string[];
}

export interface LoadPlan extends ChannelTarget {
  collection: LoadCollection;
  phases: Phase[];
  workers: number;
  /** time-series bucket width, ms (≥ 100) */
  intervalMs: number;
  /** nQueries × dim query vectors; SharedArrayBuffer-backed so workers share them without copies */
  queries: Float32Array;
  recallSample?: RecallQuery[];
  /** unmeasured load with the first phase's shape before the first phase (ms; 0 or absent: none) */
  warmupMs?: number;
}

export interface LoadHooks {
  onInterval?(point: IntervalPoint): void;
  /** once, when the first phase starts: the epoch ms every *Ms offset (faults' atMs too) is relative to */
  onLoadStart?(epochMs: number): void;
  /** 'start' fires when the phase clock starts (every worker connected and ready), 'end' after its results merged */
  onPhase?(name: string, event: 'start' | 'end'): void;
  signal?: AbortSignal;
}

export interface LoadOutcome {
  loadStartEpochMs: number;
  phases: PhaseResult[];
  total: PhaseResult;
  timeSeries: IntervalPoint[];
  /** every worker's outcome runs, ordered by first completion */
  runs: OutcomeRun[];
  /** mean recall@k over the sampled queries that succeeded, when any were sent */
  recall?: number;
  interrupted: boolean;
}

/** What one worker runs for one phase (structured-cloned; `port` is transferred). */
export interface PhaseTask {
  target: ChannelTarget;
  collection: LoadCollection;
  info: CollectionInfo;
  phase: Phase;
  workerId: number;
  /** workers sharing this phase */
  workers: number;
  intervalMs: number;
  queries: Float32Array;
  recallSample: RecallQuery[];
  port: MessagePort;
}

/** main thread → worker over the task's port: start the phase clock (once every worker is ready), or stop now */
export type ControlMessage = { type: 'start'; phaseStartEpochMs: number; loadStartEpochMs: number } | { type: 'stop' };

/** worker → main thread before its phase starts: connected and requests built */
export interface ReadyMessage {
  type: 'ready';
  workerId: number;
}
