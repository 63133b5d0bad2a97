import { describe, expect, it } from 'vitest';
import { evaluateSlos, parseSlos } from '../../src/slo/index.js';
import { context, fault, runResult } from './fixtures.js';

function judge(spec: Record<string, string>, result = runResult()) {
  const parsed = parseSlos(spec, context);
  expect(parsed.errors).toEqual([]);
  return evaluateSlos(parsed.value, result).filter((r) => !r.default);
}

function gates(spec: Record<string, string>, result: ReturnType<typeof runResult>) {
  const parsed = parseSlos(spec, context);
  return evaluateSlos(parsed.value, result).filter((r) => r.default);
}

const steady = (requests: number, failed: number, good = requests - failed) => ({ requests, failed, errorRate: requests > 0 ? failed / requests : null, good, slowMs: 1000, windowMs: 1000 });

describe('evaluateSlos', () => {
  it('reads each key from the documented place and shows a human line', () => {
    const results = judge({
      'search.p99': '<100ms',
      'steady.search.p99': '<80ms',
      'warmup.p99': '<=30ms',
      'steady.query.p50': '<2.5ms',
      'search.errorRate': '<0.1%',
      errorRate: '<=0.001',
      qps: '>90',
      'steady.search.qps': '>89.9',
      'ingest.rowsPerSec': '>5000',
      recall: '>=0.95',
      count: 'exact',
      dropped: '==0',
      'steady.dropped': '==3',
      shortResults: '==0',
      downtime: '<5s',
      'fault.0.downtime': '<2s',
      'fault.p99': '<500ms',
      recovery: '<10s',
    });
    expect(results.map((r) => `${r.pass ? 'PASS' : 'FAIL'} ${r.key}: ${r.display}`)).toMatchInlineSnapshot(`
      [
        "PASS search.p99: p99 80 ms < 100 ms ✓",
        "FAIL steady.search.p99: p99 84.2 ms < 80 ms ✗",
        "PASS warmup.p99: p99 30 ms <= 30 ms ✓",
        "PASS steady.query.p50: p50 2.4 ms < 2.5 ms ✓",
        "FAIL search.errorRate: errorRate 0.1017% < 0.1% ✗",
        "FAIL errorRate: errorRate 0.001384 <= 0.001 ✗",
        "PASS qps: qps 92.9 > 90 ✓",
        "PASS steady.search.qps: qps 90 > 89.9 ✓",
        "PASS ingest.rowsPerSec: rowsPerSec 10000 > 5000 ✓",
        "PASS recall: recall 0.9612 >= 0.95 ✓",
        "PASS count: count 100000 == 100000 expected ✓",
        "FAIL dropped: dropped 3 == 0 ✗",
        "PASS steady.dropped: dropped 3 == 3 ✓",
        "FAIL shortResults: shortResults 2 == 0 ✗",
        "PASS downtime: downtime 2.3 s < 5 s ✓",
        "FAIL fault.0.downtime: downtime 2.3 s < 2 s ✗",
        "PASS fault.p99: p99 400 ms < 500 ms ✓",
        "PASS recovery: recovery 8 s < 10 s ✓",
      ]
    `);
    expect(results.find((r) => r.key === 'downtime')).toEqual({ key: 'downtime', threshold: '<5s', actual: 2.3, pass: true, display: 'downtime 2.3 s < 5 s ✓' });
    expect(results.find((r) => r.key === 'search.errorRate')!.actual).toBeCloseTo(0.1017, 3);
  });

  it('fails with "not measured" when the run has no value', () => {
    const result = runResult({ faults: [], integrity: null, ingest: null, total: null });
    const results = judge({ downtime: '<5s', recovery: '<30s', count: 'exact', recall: '>=0.9', 'ingest.rowsPerSec': '>1', 'search.p99': '<1s' }, result);
    for (const slo of results) {
      expect(slo).toMatchObject({ pass: false, actual: null, message: expect.stringMatching(/^not measured/) });
    }
    expect(results[0].display).toBe('downtime not measured (the run injected no fault) ✗');
    const noImpact = judge({ downtime: '<5s', recovery: '<30s' }, runResult({ faults: [fault(0, null, null)] }));
    expect(noImpact.map((r) => r.message)).toEqual(['not measured: fault 0 was not injected as written', 'not measured: fault 0 was not injected as written']);
    const noTraffic = runResult();
    noTraffic.phases[0] = { ...noTraffic.phases[0], counters: { ...noTraffic.phases[0].counters, scheduled: 0, sent: 0 }, latency: null };
    expect(judge({ 'warmup.errorRate': '<1%', 'warmup.p99': '<1s' }, noTraffic).map((r) => r.message)).toEqual(['not measured', 'not measured']);
  });

  it('fails a lost row count and names both counts', () => {
    const result = runResult({ integrity: { expectedRows: 100_000, countedRows: 99_990, countMatches: false, recall: 0.9, recallQueries: 10, topK: 10 } });
    expect(judge({ count: 'exact' }, result)).toEqual([
      {
        key: 'count',
        threshold: 'exact',
        actual: '99990/100000',
        pass: false,
        display: 'count 99990 != 100000 expected ✗',
        message: 'counted 99990 rows, expected 100000',
      },
    ]);
  });

  it('takes the worst fault for downtime, and a fault index for fault.<i>.*; a fault without a figure leaves the key unmeasured', () => {
    const result = runResult({ faults: [fault(0, 1200, 4000, 300), fault(1, 6100, null, 900), fault(1, 500, 2000, 100)] });
    const results = judge({ downtime: '<5s', recovery: '<5s', 'fault.0.downtime': '<2s', 'fault.p99': '<500ms', 'fault.0.p99': '<500ms' }, result);
    expect(results.map((r) => [r.key, r.actual, r.pass])).toEqual([
      ['downtime', 6.1, false],
      ['recovery', null, false],
      ['fault.0.downtime', 1.2, true],
      ['fault.p99', 900, false],
      ['fault.0.p99', 300, true],
    ]);
    expect(results[1].message).toBe('not measured: fault 1 has no recovery figure');
  });

  it('an unrecovered fault fails every downtime SLO with its lower bound, however generous the bound', () => {
    const result = runResult({ faults: [fault(0, 300, 1000), fault(1, 4200, null, 400, 'unrecovered')] });
    const results = judge({ downtime: '<1m', 'fault.0.downtime': '<1s' }, result);
    expect(results.map((r) => [r.key, r.pass, r.display])).toEqual([
      ['downtime', false, 'downtime ≥ 4.2 s (not recovered) ✗'],
      ['fault.0.downtime', true, 'downtime 300 ms < 1 s ✓'],
    ]);
  });

  it('never takes the max over only the faults that have a figure', () => {
    const result = runResult({ faults: [fault(0, 300, 1000), fault(1, null, null)] });
    expect(judge({ downtime: '<5s' }, result)[0]).toMatchObject({ pass: false, actual: null });
  });

  it('says when traffic is too sparse to resolve the bound', () => {
    const sparse = { ...fault(0, 4950, 1000), resolutionMs: 100 };
    expect(judge({ downtime: '<5s' }, runResult({ faults: [sparse] }))[0]).toMatchObject({ pass: true, message: expect.stringContaining('resolution (±100 ms)') });
  });

  it('gates on the defaults with no SLO written: each fault recovered, the error rate outside disruptions', () => {
    const result = runResult({ faults: [fault(0, 800, 1000), fault(1, 0, null), fault(2, 5000, null, 400, 'unrecovered'), fault(3, null, null)], steady: steady(10_000, 50) });
    expect(gates({}, result).map((r) => `${r.pass ? 'PASS' : 'FAIL'} ${r.key}: ${r.display}`)).toEqual([
      'PASS fault.0.recovered: fault 0 (kill querynode-1): recovered after 800 ms ✓',
      'PASS fault.1.recovered: fault 1 (kill querynode-1): no effect observed ✓',
      'FAIL fault.2.recovered: fault 2 (kill querynode-1): not recovered (≥ 5 s) ✗',
      'PASS steady.errorRate: error rate outside disruptions 0.5% < 1% ✓',
    ]);
    expect(gates({}, runResult({ faults: [], steady: steady(1000, 20) }))[0]).toMatchObject({ pass: false, key: 'steady.errorRate' });
  });

  it('a written errorRate SLO replaces the default one; a run where every request failed is never green', () => {
    expect(gates({ errorRate: '<50%' }, runResult({ faults: [], steady: steady(1000, 20) }))).toEqual([]);
    const allFailed = gates({ errorRate: '<=100%' }, runResult({ faults: [], steady: steady(1000, 1000) }));
    expect(allFailed).toEqual([expect.objectContaining({ key: 'requests.good', pass: false, message: 'no request succeeded' })]);
  });

  it('applies every comparator', () => {
    const at = (threshold: string) => judge({ dropped: threshold })[0].pass; // dropped is 3
    expect([at('<4'), at('<3'), at('<=3'), at('>2'), at('>3'), at('>=3'), at('==3'), at('==2'), at('!=2'), at('!=3')]).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
  });
});
