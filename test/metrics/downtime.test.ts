// analyzeDowntime against request streams whose truth is known: each simulated request is given its real outcome
// from a scripted outage, recorded through the real PhaseRecorder (so the runs are what workers really post).
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { PhaseRecorder } from '../../src/load/recorder.js';
import type { IntervalSnapshot, OutcomeRun } from '../../src/metrics/index.js';
import { analyzeDowntime } from '../../src/metrics/index.js';

const T0 = 1_700_000_000_000;
const ports: MessageChannel[] = [];
afterEach(() => {
  for (const c of ports.splice(0)) c.port1.close();
});

type Outcome = { kind: 'ok'; latencyMs: number } | { kind: 'error'; latencyMs: number } | { kind: 'timeout'; latencyMs: number } | { kind: 'dropped' };

/** one worker sending every `everyMs` from T0 to T0+durationMs; `at(t)` scripts each request's outcome */
function recordWorker(durationMs: number, everyMs: number, at: (t: number) => Outcome, offsetMs = 0, slowMs = 1000): OutcomeRun[] {
  const channel = new MessageChannel();
  ports.push(channel);
  const snapshots: IntervalSnapshot[] = [];
  const post = channel.port2.postMessage.bind(channel.port2);
  channel.port2.postMessage = (message: IntervalSnapshot) => {
    snapshots.push(message);
    post(message);
  };
  const recorder = new PhaseRecorder({ phase: 'p', workerId: 0, loadStartEpochMs: T0, intervalMs: 1000, port: channel.port2, slowMs }, T0);
  const ends: Array<{ endMs: number; startMs: number; outcome: Outcome }> = [];
  for (let t = T0 + offsetMs; t < T0 + durationMs; t += everyMs) {
    const outcome = at(t - T0);
    ends.push({ startMs: t, endMs: outcome.kind === 'dropped' ? t : t + outcome.latencyMs, outcome });
  }
  ends.sort((a, b) => a.endMs - b.endMs);
  for (const { startMs, endMs, outcome } of ends) {
    if (outcome.kind === 'dropped') {
      recorder.dropped('search', endMs, startMs);
      continue;
    }
    recorder.requestSent('search', startMs);
    const result = outcome.kind === 'ok' ? { outcome: 'ok' as const } : outcome.kind === 'timeout' ? { outcome: 'timeout' as const } : { outcome: 'error' as const, kind: 'unavailable' as const };
    recorder.requestEnded('search', result, startMs, startMs, endMs);
  }
  recorder.finish(T0 + durationMs + 10_000);
  return snapshots.flatMap((s) => s.runs);
}

const ok = (latencyMs = 5): Outcome => ({ kind: 'ok', latencyMs });
const refused: Outcome = { kind: 'error', latencyMs: 1 };
/** a hold from fromMs to toMs: a request arriving inside it is answered at toMs, or times out at its deadline */
function hold(fromMs: number, toMs: number, timeoutMs: number) {
  return (t: number): Outcome | null => {
    if (t < fromMs || t >= toMs) return null;
    const latency = toMs - t;
    return latency >= timeoutMs ? { kind: 'timeout', latencyMs: timeoutMs } : ok(latency);
  };
}

const analyze = (runs: OutcomeRun[], faults: Array<{ at: number; revertedAt?: number; failed?: boolean }>, loadMs = 20_000, windowMs = 1000) =>
  analyzeDowntime({
    runs,
    faults: faults.map((f) => ({ callStartedMs: T0 + f.at, revertedMs: f.revertedAt === undefined ? null : T0 + f.revertedAt, failed: f.failed ?? false })),
    loadEndMs: T0 + loadMs,
    windowMs,
    minGood: 3,
  });

describe('analyzeDowntime', () => {
  test.each([500, 2000, 5000])('a clean refusal of %i ms at 1 000/s is measured to within one request spacing', (outageMs) => {
    const runs = recordWorker(20_000, 1, (t) => (t >= 5000 && t < 5000 + outageMs ? refused : ok()));
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(fault.status).toBe('recovered');
    expect(fault.downtimeMs).toBeGreaterThanOrEqual(outageMs - 2);
    expect(fault.downtimeMs).toBeLessThanOrEqual(outageMs + 2);
    expect(fault.effectLagMs).toBeCloseTo(0, 0);
    expect(fault.resolutionMs).toBeCloseTo(1, 0);
    expect(fault.disruption).toMatchObject({ failed: outageMs, timedOut: 0, recovered: true });
  });

  test('a slow request already in flight when the refusal began does not start the disruption early', () => {
    // 4 slots: one request sent 300 ms before the outage is still in flight when it begins and fails with it
    const slot = (offset: number) =>
      recordWorker(20_000, 20, (t) => (t === 4720 ? { kind: 'error', latencyMs: 280 } : t >= 5000 && t < 7000 ? refused : ok()), offset);
    const runs = [...slot(0), ...slot(5), ...slot(10), ...slot(15)];
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(Math.abs(fault.downtimeMs! - 2000)).toBeLessThanOrEqual(25);
    expect(Math.abs(fault.effectLagMs!)).toBeLessThanOrEqual(25);
  });

  test('the fault clock is the call start: a call returning 1 s late does not shorten the downtime', () => {
    const runs = recordWorker(20_000, 5, (t) => (t >= 5000 && t < 7000 ? refused : ok()));
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(fault.downtimeMs).toBeGreaterThanOrEqual(1995);
    expect(fault.downtimeMs).toBeLessThanOrEqual(2005);
  });

  test('a hang shorter than the timeout is downtime: slow replies are bad', () => {
    const h = hold(5000, 8000, 5000);
    const runs = recordWorker(20_000, 10, (t) => h(t) ?? ok());
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(fault.status).toBe('recovered');
    expect(Math.abs(fault.downtimeMs! - 3000)).toBeLessThanOrEqual(10);
    expect(fault.disruption!.slow).toBeGreaterThan(0);
  });

  test.each([20, 1])('a hang released last-in-first-out (at one request per %i ms): the good replies of its last second do not cut it short', (everyMs) => {
    // held 2 s, then all answered within 2 ms, the latest-sent first: a good reply (waited < slowMs) completes
    // before every slow one, yet the service answered nothing during the hang
    const lifo = (t: number): Outcome | null => (t >= 5000 && t < 7000 ? ok(7000 - t + (7000 - t) / 1000) : null);
    const runs = recordWorker(20_000, everyMs, (t) => lifo(t) ?? ok());
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(fault.status).toBe('recovered');
    // replies sent just before the hang still complete 5 ms into it (the service answered them then)
    expect(Math.abs(fault.downtimeMs! - 2000)).toBeLessThanOrEqual(everyMs + 5);
    expect(Math.abs(fault.effectLagMs!)).toBeLessThanOrEqual(everyMs + 5);
  });

  test('a hang longer than the timeout: timeouts cover start … deadline, the held ones end at the release', () => {
    const h = hold(5000, 12_000, 2000);
    const runs = recordWorker(20_000, 10, (t) => h(t) ?? ok());
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(Math.abs(fault.downtimeMs! - 7000)).toBeLessThanOrEqual(10);
    expect(fault.disruption!.timedOut).toBeGreaterThan(0);
  });

  test('degraded but answering (150 ms instead of 5 ms) is no downtime', () => {
    const runs = recordWorker(20_000, 10, (t) => (t >= 5000 && t < 9000 ? ok(150) : ok()));
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(fault).toMatchObject({ status: 'no-effect', downtimeMs: 0, recovered: true, note: 'no effect observed' });
  });

  test('one stray failure 7 s after recovery is a relapse, apart, and does not stretch the first disruption', () => {
    const runs = recordWorker(20_000, 5, (t) => ((t >= 5000 && t < 6000) || (t >= 13_000 && t < 13_100) ? refused : ok()));
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(Math.abs(fault.downtimeMs! - 1000)).toBeLessThanOrEqual(6);
    expect(fault.relapses).toHaveLength(1);
    expect(fault.relapses[0].startMs - T0).toBeCloseTo(13_000, -1);
    expect(Math.abs(fault.relapses[0].durationMs - 100)).toBeLessThanOrEqual(6);
    expect(fault.status).toBe('recovered');
  });

  test('two outages 4 s apart, two faults: each gets its own', () => {
    const runs = recordWorker(20_000, 5, (t) => ((t >= 5000 && t < 6000) || (t >= 9000 && t < 10_000) ? refused : ok()));
    const analysis = analyze(runs, [{ at: 5000 }, { at: 9000 }]);
    for (const fault of analysis.faults) {
      expect(Math.abs(fault.downtimeMs! - 1000)).toBeLessThanOrEqual(6);
      expect(fault.relapses).toEqual([]);
      expect(fault.overlapping).toBe(false);
    }
    expect(analysis.outside.failed).toBe(0);
  });

  test('overlapping faults: a disruption still open when the second call began belongs to both', () => {
    const runs = recordWorker(20_000, 5, (t) => (t >= 5000 && t < 8000 ? refused : ok()));
    const [first, second] = analyze(runs, [{ at: 5000 }, { at: 6000 }]).faults;
    expect(first.overlapping).toBe(true);
    expect(second.overlapping).toBe(true);
    expect(Math.abs(first.downtimeMs! - 3000)).toBeLessThanOrEqual(6);
    expect(second.effectLagMs).toBeLessThan(-900);
  });

  test('an outage that outlasts the load: not recovered, downtime a lower bound to the load end', () => {
    const runs = recordWorker(10_000, 5, (t) => (t >= 5000 ? refused : ok()));
    const [fault] = analyze(runs, [{ at: 5000 }], 10_000).faults;
    expect(fault.status).toBe('unrecovered');
    expect(fault.recovered).toBe(false);
    expect(fault.downtimeMs).toBeGreaterThanOrEqual(4990);
  });

  test('good requests after the disruption but less than a window before the load end: not recovered', () => {
    const runs = recordWorker(10_000, 5, (t) => (t >= 5000 && t < 9500 ? refused : ok()));
    const [fault] = analyze(runs, [{ at: 5000 }], 10_000).faults;
    expect(fault.status).toBe('unrecovered');
  });

  test('a failed injection gets no figure and status failed', () => {
    const runs = recordWorker(10_000, 5, () => ok());
    expect(analyze(runs, [{ at: 5000, failed: true }]).faults[0]).toMatchObject({ status: 'failed', downtimeMs: null });
  });

  test('open loop through a hang: dropped requests cover their intended starts', () => {
    const h = hold(5000, 7000, 5000);
    // the in-flight cap is reached 100 ms into the hang: later arrivals are dropped until it ends
    const runs = recordWorker(20_000, 2, (t) => (t >= 5100 && t < 7000 ? { kind: 'dropped' } : h(t) ?? ok()));
    const [fault] = analyze(runs, [{ at: 5000 }]).faults;
    expect(Math.abs(fault.downtimeMs! - 2000)).toBeLessThanOrEqual(5);
    expect(fault.disruption!.dropped).toBeGreaterThan(900);
  });

  test('at 20/s the resolution says ±50 ms and the figure is within it', () => {
    const runs = recordWorker(20_000, 50, (t) => (t >= 5020 && t < 7020 ? refused : ok()));
    const [fault] = analyze(runs, [{ at: 5020 }]).faults;
    expect(fault.resolutionMs).toBeCloseTo(50, 0);
    expect(Math.abs(fault.downtimeMs! - 2000)).toBeLessThanOrEqual(50);
  });

  test('errors outside every fault disruption are the steady state', () => {
    const runs = recordWorker(20_000, 10, (t) => (t >= 1000 && t < 1100 ? refused : t >= 5000 && t < 6000 ? refused : ok()));
    const analysis = analyze(runs, [{ at: 5000 }]);
    expect(analysis.outside.failed).toBe(10);
    expect(analysis.outside.requests).toBeGreaterThan(1800);
  });

  test('memory stays bounded: a 20 s clean run at 1 000/s is a handful of runs', () => {
    const runs = recordWorker(20_000, 1, () => ok());
    expect(runs.length).toBeLessThanOrEqual(25);
  });
});
