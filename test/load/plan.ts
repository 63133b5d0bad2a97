// Shared fixtures for the load end-to-end tests: plans against the Milvus double, compiled load stage from dist/.
import type { LoadOutcome, LoadPlan } from '../../src/load/index.js';
import type { Counters, IntervalPoint } from '../../src/metrics/index.js';
import type { Phase, SearchOp } from '../../src/scenario/index.js';
import { nearestIds } from '../support/milvus-double.js';

type LoadModule = typeof import('../../src/load/index.js');
type MetricsModule = typeof import('../../src/metrics/index.js');
export const load = (await import(new URL('../../dist/load/index.js', import.meta.url).href)) as LoadModule;
export const metrics = (await import(new URL('../../dist/metrics/index.js', import.meta.url).href)) as MetricsModule;

export const DIM = 8;
export const ROWS = 150;
export const search: SearchOp = { kind: 'search', weight: 1, nq: 1, topK: 5, params: {}, outputFields: [] };

export function queriesFrom(vectors: Float32Array, count: number): Float32Array {
  const queries = new Float32Array(new SharedArrayBuffer(count * DIM * 4));
  queries.set(vectors.subarray(0, count * DIM));
  return queries;
}

export function planFor(address: string, vectors: Float32Array, phases: Phase[], extra: Partial<LoadPlan> = {}): LoadPlan {
  const queries = queriesFrom(vectors, 32);
  const recallSample = Array.from({ length: 8 }, (_, queryIndex) => ({
    queryIndex,
    ids: nearestIds(vectors, DIM, 'L2', queries.subarray(queryIndex * DIM, (queryIndex + 1) * DIM), 5).map(String),
  }));
  return {
    address,
    tls: false,
    collection: { name: 'bench', dim: DIM, metric: 'L2', pkField: 'id', vectorField: 'vector', rows: ROWS },
    phases,
    workers: 2,
    intervalMs: 200,
    queries,
    recallSample,
    ...extra,
  };
}

export function expectBalanced(c: Counters): void {
  const byKind = Object.values(c.errorsByKind).reduce((a, b) => a + (b ?? 0), 0);
  if (c.sent !== c.ok + c.errors + c.timeouts + c.abandoned || c.scheduled !== c.sent + c.dropped || byKind !== c.errors) {
    throw new Error(`counters do not balance: ${JSON.stringify(c)}`);
  }
}

/** every sent request appears exactly once in the time series and in the outcome runs */
export function seriesTotals(series: IntervalPoint[]): { ok: number; errors: number; timeouts: number; dropped: number } {
  return series.reduce((acc, p) => ({ ok: acc.ok + p.ok, errors: acc.errors + p.errors, timeouts: acc.timeouts + p.timeouts, dropped: acc.dropped + p.dropped }), {
    ok: 0,
    errors: 0,
    timeouts: 0,
    dropped: 0,
  });
}

export function runsTotal(outcome: LoadOutcome): number {
  return outcome.runs.reduce((sum, r) => sum + r.count, 0);
}
