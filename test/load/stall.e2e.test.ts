// Timing under stalls: no coordinated omission (latency from the intended start), catch-up after a
// blocked event loop, and fast reconnect after a restart. The double runs as a child process here.
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WorkerPhaseResult } from '../../src/metrics/index.js';
import type { Phase } from '../../src/scenario/index.js';
import { seededVectors } from '../support/milvus-double.js';
import { startMilvusDoubleProcess } from '../support/milvus-double-process.js';
import type { MilvusDoubleProcess } from '../support/milvus-double-process.js';
import { DIM, ROWS, expectBalanced, load, metrics, planFor, queriesFrom, runsTotal, search } from './plan.js';

type WorkerModule = { default: (task: unknown) => Promise<WorkerPhaseResult> };
const worker = (await import(new URL('../../dist/load/worker.js', import.meta.url).href)) as WorkerModule;

const vectors = seededVectors(ROWS, DIM);
let child: MilvusDoubleProcess;

beforeAll(async () => {
  child = await startMilvusDoubleProcess({ rows: ROWS, dim: DIM, port: 19721 });
});
afterAll(async () => child?.close());

function countAtLeast(encoded: string, ms: number): number {
  const histogram = metrics.decodeHistogram(encoded);
  let count = 0;
  for (let p = 0; p < 1000; p++) {
    // walk percentiles in 0.1 % steps: fraction of samples at or above `ms`
    if (histogram.getValueAtPercentile(100 - p / 10) / 1000 < ms) break;
    count = Math.round((histogram.totalCount * (p + 1)) / 1000);
  }
  return count;
}

describe('open-loop timing', () => {
  test('a 1 s server stall shows up as ~1 s latencies of the queued requests, not as dropped silence', async () => {
    let pause: Promise<void> = Promise.resolve();
    const phase: Phase = { name: 'stall', mode: 'open', rate: 150, maxInFlight: 1000, durationMs: 3000, timeoutMs: 5000, operations: [search] };
    const outcome = await load.runLoad(planFor(child.address, vectors, [phase]), {
      onPhase: (_name, event) => {
        if (event === 'start') pause = new Promise((resolve) => setTimeout(() => child.pause(1000).then(resolve), 1000));
      },
    });
    await pause;
    const [result] = outcome.phases;
    expectBalanced(result.counters);
    expect(result.counters.dropped).toBe(0);
    expect(result.counters.sent).toBeGreaterThanOrEqual(load.scheduledRequests(150, undefined, 3000) - 2);
    expect(result.counters.ok).toBe(result.counters.sent);
    expect(result.latency!.max).toBeGreaterThanOrEqual(800);
    // ~150 requests were due during the stall; those due in its first 700 ms waited ≥ 300 ms
    expect(countAtLeast(result.histogram!, 300)).toBeGreaterThanOrEqual(50);
    // the stalled buckets are visible: requests in flight while nothing completed
    expect(outcome.timeSeries.some((p) => p.ok === 0 && p.inFlight >= 30)).toBe(true);
  });

  test('after a blocked event loop the scheduler catches up with each request`s own intended start', async () => {
    const plan = planFor(child.address, vectors, []);
    const channel = new load.MilvusChannel({ address: child.address, tls: false });
    const described = load.decodeDescribeCollection(await channel.callAsync('DescribeCollection', load.describeCollectionRequest('bench'), 5000));
    channel.close();
    if (!('info' in described)) throw new Error(described.reason);
    const { port1, port2 } = new MessageChannel();
    const phase: Phase = { name: 'blocked', mode: 'open', rate: 200, maxInFlight: 1000, durationMs: 2000, timeoutMs: 5000, operations: [search] };
    port1.on('message', (message: { type?: string }) => {
      if (message.type !== 'ready') return;
      const startMs = performance.timeOrigin + performance.now();
      port1.postMessage({ type: 'start', phaseStartEpochMs: startMs, loadStartEpochMs: startMs });
      setTimeout(() => {
        const until = Date.now() + 600;
        while (Date.now() < until); // the client stalls, not the server
      }, 500);
    });
    const result = await worker.default({
      target: { address: child.address, tls: false },
      collection: plan.collection,
      info: described.info,
      phase,
      workerId: 0,
      workers: 1,
      intervalMs: 200,
      queries: queriesFrom(vectors, 32),
      recallSample: [],
      port: port2,
    });
    port1.close();
    expectBalanced(result.counters);
    expect(result.counters.dropped).toBe(0);
    expect(result.counters.sent).toBeGreaterThanOrEqual(398);
    const corrected = metrics.percentilesFromEncoded(result.latency.search)!;
    const service = metrics.percentilesFromEncoded(result.service.search)!;
    expect(corrected.max).toBeGreaterThanOrEqual(500);
    expect(countAtLeast(result.latency.search, 250)).toBeGreaterThanOrEqual(40);
    // uncorrected service time (send → reply) does not see it: ~120 requests were due during the 600 ms
    // block and were sent late (≈300 ms on average), which only the corrected latency counts (~90 ms of mean)
    expect(corrected.mean - service.mean).toBeGreaterThanOrEqual(40);
  });
});

describe('failover', () => {
  test('after a restart the channel reconnects fast and errors are counted as unavailable', async () => {
    let restarted = 0;
    let restartCalled = 0;
    let restart: Promise<void> = Promise.resolve();
    const phase: Phase = { name: 'restart', mode: 'closed', concurrency: 4, durationMs: 6000, timeoutMs: 1000, operations: [search] };
    const outcome = await load.runLoad(planFor(child.address, vectors, [phase]), {
      onPhase: (_name, event) => {
        if (event !== 'start') return;
        restart = new Promise((resolve) => setTimeout(() => ((restartCalled = Date.now()), child.restart(200)).then(() => ((restarted = Date.now()), resolve())), 1000));
      },
    });
    await restart;
    const [result] = outcome.phases;
    expectBalanced(result.counters);
    expect(runsTotal(outcome)).toBe(result.counters.sent);
    expect(result.counters.errorsByKind.unavailable).toBeGreaterThan(0);
    // a dead target is probed, not spun on: at most ~4 slots × 100/s during the ~1–3 s the child needs to come back
    expect(result.counters.errorsByKind.unavailable).toBeLessThan(4 * 100 * 5);
    expect(metrics.goodCompletions(outcome.runs, restarted, restarted + 1000)).toBeGreaterThan(0);
    const [fault] = metrics.analyzeDowntime({
      runs: outcome.runs,
      faults: [{ callStartedMs: restartCalled, revertedMs: null, failed: false }],
      loadEndMs: outcome.loadStartEpochMs + result.startMs + result.durationMs,
      windowMs: 1000,
      minGood: 5,
    }).faults;
    expect(fault.status).toBe('recovered');
    expect(fault.downtimeMs).toBeGreaterThan(150);
    expect(fault.disruption!.endMs - restarted).toBeLessThan(1000);
  });
});
