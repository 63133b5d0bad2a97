// Hand-built RunResult objects for SLO tests.
import type { Counters, FaultStatus, Percentiles } from '../../src/model/index.js';
import type { FaultResult, OperationSummary, OutcomeCounts, PhaseResult, RunResult } from '../../src/model/index.js';

function outcomeCounts(c: Counters): OutcomeCounts {
  return { scheduled: c.scheduled, sent: c.sent, dropped: c.dropped, ok: c.ok, error: c.errors, timeout: c.timeouts, abandoned: c.abandoned };
}

export function counters(partial: Partial<Counters> = {}): Counters {
  const c = { scheduled: 0, sent: 1000, ok: 990, errors: 8, timeouts: 2, errorsByKind: { unavailable: 6, short_result: 2 }, dropped: 0, abandoned: 0, ...partial };
  return { ...c, scheduled: partial.scheduled ?? c.sent + c.dropped };
}

export function percentiles(p99: number): Percentiles {
  return { min: 1, mean: p99 / 4, p50: p99 / 5, p90: p99 / 2, p95: p99 * 0.8, p99, p999: p99 * 1.5, max: p99 * 2 };
}

function operation(p99: number, c: Counters): OperationSummary {
  return { counters: c, counts: outcomeCounts(c), latency: percentiles(p99), latencyLowerBound: false, okLatency: percentiles(p99), service: percentiles(p99 / 2), histogram: null, okHistogram: null, serviceHistogram: null };
}

export function phase(name: string, p99: number, durationMs: number, c = counters(), ops: Record<string, OperationSummary> = { search: operation(p99, c) }): PhaseResult {
  return {
    name,
    mode: 'closed',
    startMs: 0,
    durationMs,
    concurrency: 10,
    counters: c,
    counts: outcomeCounts(c),
    windowMs: durationMs,
    qps: (c.ok + c.errors + c.timeouts) / (durationMs / 1000),
    goodput: c.ok / (durationMs / 1000),
    drain: { completions: 0, ok: 0, durationMs: 0 },
    sendRate: c.sent / (durationMs / 1000),
    errorRate: (c.errors + c.timeouts + c.dropped) / c.scheduled,
    latency: percentiles(p99),
    latencyLowerBound: false,
    okLatency: percentiles(p99),
    service: percentiles(p99 / 2),
    histogram: null,
    okHistogram: null,
    serviceHistogram: null,
    operations: ops,
  };
}

/** `downtimeMs` null: the fault was not injected (status failed); `status` overrides what the figure implies. */
export function fault(index: number, downtimeMs: number | null, recoveryMs: number | null, duringP99: number | null = 400, status?: FaultStatus): FaultResult {
  return {
    index,
    occurrence: 0,
    action: 'kill',
    role: 'querynode',
    pick: 'one',
    targets: ['querynode-1'],
    backend: 'local',
    scheduledAtMs: 20_000,
    injection: downtimeMs === null ? 'failed' : 'injected',
    status: status ?? (downtimeMs === null ? 'failed' : downtimeMs === 0 ? 'no-effect' : 'recovered'),
    callStartedMs: 1_000_020_000,
    injectCallMs: 0,
    injectedMs: 1_000_020_000,
    revertedMs: null,
    backendRecoveredMs: null,
    calledAtMs: 20_000,
    injectedAtMs: 20_000,
    revertedAt: null,
    downtimeMs,
    recovered: status !== 'unrecovered' && downtimeMs !== null,
    effectLagMs: downtimeMs === null ? null : 3,
    disruption: null,
    relapses: [],
    overlapping: false,
    resolutionMs: 1,
    note: null,
    recoveryMs,
    impact:
      downtimeMs === null
        ? null
        : {
            fromMs: 1_000_020_000,
            toMs: 1_000_020_000 + downtimeMs,
            before: { p50: 5, p99: 20, ok: 100, errors: 0 },
            during: { p50: 50, p99: duringP99, ok: 10, errors: 5, timeouts: 1, dropped: 0 },
            errorsByKind: {},
            shortResults: 0,
          },
  };
}

/** Two phases ('warmup' 10 s, 'steady' 60 s), search + query in steady, one fault. */
export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  const steadyCounters = counters({ sent: 6000, ok: 5994, errors: 4, timeouts: 2, errorsByKind: { unavailable: 4 }, dropped: 3 });
  const queryCounters = counters({ sent: 600, ok: 600, errors: 0, timeouts: 0, errorsByKind: {} });
  const steady = phase('steady', 84.2, 60_000, steadyCounters, {
    search: operation(84.2, counters({ sent: 5400, ok: 5394, errors: 4, timeouts: 2, errorsByKind: { unavailable: 4 } })),
    query: operation(12, queryCounters),
  });
  const warmup = phase('warmup', 30, 10_000, counters({ sent: 500, ok: 500, errors: 0, timeouts: 0, errorsByKind: {} }));
  const totalCounters = counters({ sent: 6500, ok: 6494, errors: 4, timeouts: 2, errorsByKind: { unavailable: 2, short_result: 2 }, dropped: 3 });
  const total = phase('total', 80, 70_000, totalCounters, {
    search: operation(80, counters({ sent: 5900, ok: 5894, errors: 4, timeouts: 2, errorsByKind: { unavailable: 4 } })),
    query: operation(12, queryCounters),
  });
  return {
    schemaVersion: 1,
    tool: { name: 'milvus-bench', version: '0.1.0' },
    scenario: { name: 's', description: '', file: '/tmp/s.ts', spec: {} },
    target: { kind: 'local', address: '127.0.0.1:19530', serverVersion: null, description: 'local test cluster — not Milvus' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:10.000Z',
    loadStartEpochMs: 1_000_000_000,
    intervalMs: 1000,
    workers: 2,
    steps: [],
    ingest: { rows: 100_000, batches: 20, durationMs: 10_000, rowsPerSec: 10_000, batchLatency: null, batchHistogram: null, failedBatches: 0, skipped: false },
    phases: [warmup, steady],
    total,
    timeSeries: [],
    faults: [fault(0, 2300, 8000)],
    integrity: { expectedRows: 100_000, countedRows: 100_000, countMatches: true, recall: 0.9612, recallQueries: 100, topK: 10 },
    serverMetrics: [],
    slo: [],
    pass: true,
    interrupted: false,
    error: null,
    exitCode: 0,
    ...overrides,
  };
}

export const context = {
  phases: [
    { name: 'warmup', operations: [{ kind: 'search' }] },
    { name: 'steady', operations: [{ kind: 'search' }, { kind: 'query' }] },
  ],
  faults: [{}],
};
