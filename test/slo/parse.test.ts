import { describe, expect, it } from 'vitest';
import { parseSlos, parseThreshold } from '../../src/slo/index.js';
import { context } from './fixtures.js';

describe('parseThreshold', () => {
  it('reads every operator and unit into base units', () => {
    expect(parseThreshold('<100ms', 'time')).toEqual({ comparator: '<', limit: 100, unit: 'ms' });
    expect(parseThreshold('<= 1.5s', 'time')).toEqual({ comparator: '<=', limit: 1500, unit: 's' });
    expect(parseThreshold('>2m', 'time')).toEqual({ comparator: '>', limit: 120_000, unit: 'm' });
    expect(parseThreshold('>=250', 'time')).toEqual({ comparator: '>=', limit: 250, unit: 'ms' });
    expect(parseThreshold('<0.1%', 'ratio')).toEqual({ comparator: '<', limit: 0.001, unit: '%' });
    expect(parseThreshold('>=0.95', 'ratio')).toEqual({ comparator: '>=', limit: 0.95, unit: '' });
    expect(parseThreshold('==0', 'count')).toEqual({ comparator: '==', limit: 0, unit: '' });
    expect(parseThreshold('!=3', 'count')).toEqual({ comparator: '!=', limit: 3, unit: '' });
    expect(parseThreshold('>500', 'rate')).toEqual({ comparator: '>', limit: 500, unit: '' });
    expect(parseThreshold('exact', 'exact')).toEqual({ comparator: '==', limit: 1, unit: '' });
  });

  it('explains malformed thresholds and wrong units', () => {
    expect(parseThreshold('<<100', 'time')).toBe(
      '"<<100" is not a threshold (allowed: <op><number>[unit]: op <, <=, >, >=, ==, !=; unit ms, s, m or %; e.g. "<100ms"; here times such as "<100ms", "<1.5s", "<2m" or a plain number of ms)',
    );
    expect(parseThreshold('100ms', 'time')).toMatch(/^"100ms" is not a threshold: no comparison operator \(allowed: /);
    expect(parseThreshold('<5 sec', 'time')).toMatch(/^"<5 sec" is not a threshold: unknown unit "sec" \(allowed: /);
    expect(parseThreshold('<5%', 'time')).toBe('"<5%" is a percentage, not a time (allowed: times such as "<100ms", "<1.5s", "<2m" or a plain number of ms)');
    expect(parseThreshold('>5s', 'ratio')).toBe('">5s" is a time, not a ratio (allowed: fractions such as ">=0.95" or percentages such as "<0.1%")');
    expect(parseThreshold('>5ms', 'rate')).toBe('">5ms" has the unit "ms" (allowed: plain numbers such as ">500", without a unit)');
    expect(parseThreshold('==1', 'exact')).toBe('"==1" is not allowed for this key (allowed: "exact")');
  });
});

describe('parseSlos', () => {
  it('accepts every documented key', () => {
    const spec = {
      'search.p99': '<100ms',
      'search.errorRate': '<0.1%',
      'search.qps': '>500',
      'ingest.rowsPerSec': '>5000',
      recall: '>=0.95',
      count: 'exact',
      dropped: '==0',
      downtime: '<5s',
      'fault.0.downtime': '<3s',
      'fault.p99': '<500ms',
      shortResults: '==0',
      recovery: '<30s',
      'steady.search.p99': '<100ms',
      'steady.query.p50': '<20ms',
      'warmup.p95': '<1s',
      p99: '<100ms',
      qps: '>10',
      errorRate: '<1%',
      'steady.dropped': '==0',
      'query.timeouts': '==0',
    };
    const { value, errors } = parseSlos(spec, context);
    expect(errors).toEqual([]);
    expect(value.map((slo) => slo.key)).toEqual(Object.keys(spec));
    expect(value.find((s) => s.key === 'steady.search.p99')!.ref).toEqual({ source: 'load', phase: 'steady', operation: 'search', stat: 'p99' });
    expect(value.find((s) => s.key === 'fault.0.downtime')!.ref).toEqual({ source: 'fault', index: 0, stat: 'downtime' });
  });

  it('reports unknown metrics, phases, operations and faults, and bad thresholds, all at once', () => {
    const { value, errors } = parseSlos(
      {
        'search.p98': '<1s',
        'cooldown.search.p99': '<1s',
        'warmup.query.p99': '<1s',
        'fault.3.downtime': '<1s',
        'fault.latency': '<1s',
        'search.dropped': '==0',
        'search.p99': '<<100',
        latency: '<1s',
        recall: '>=95ms',
        'search.p50': '<10ms',
      },
      context,
    );
    expect(value.map((s) => s.key)).toEqual(['search.p50']);
    expect(errors).toMatchInlineSnapshot(`
      [
        "slo.search.p98: unknown metric; did you mean "search.p90"? (allowed: [<phase>.][search.|query.][ok.]<min|mean|p50|p90|p95|p99|p999|max|qps|goodput|errorRate|errors|timeouts|dropped|shortResults>, ingest.rowsPerSec, recall, count, downtime, recovery or fault.[<index>.]<downtime|recovery|p50|p99>)",
        "slo.cooldown.search.p99: no phase named "cooldown" (allowed: phase names warmup, steady, or no phase prefix)",
        "slo.warmup.query.p99: no query operations run in phase "warmup", so this is never measured (allowed: warmup.search.p99)",
        "slo.fault.3.downtime: no fault 3 in the scenario (allowed: fault indexes fault.0)",
        "slo.fault.latency: unknown fault metric (allowed: fault.<downtime|recovery|p50|p99> or fault.<index>.<downtime|recovery|p50|p99>)",
        "slo.search.dropped: "dropped" is counted per phase, not per operation (allowed: "dropped")",
        "slo.search.p99: "<<100" is not a threshold (allowed: <op><number>[unit]: op <, <=, >, >=, ==, !=; unit ms, s, m or %; e.g. "<100ms"; here times such as "<100ms", "<1.5s", "<2m" or a plain number of ms)",
        "slo.latency: unknown metric (allowed: [<phase>.][search.|query.][ok.]<min|mean|p50|p90|p95|p99|p999|max|qps|goodput|errorRate|errors|timeouts|dropped|shortResults>, ingest.rowsPerSec, recall, count, downtime, recovery or fault.[<index>.]<downtime|recovery|p50|p99>)",
        "slo.recall: ">=95ms" is a time, not a ratio (allowed: fractions such as ">=0.95" or percentages such as "<0.1%")",
      ]
    `);
  });

  it('treats a scenario without query operations as having no query metrics', () => {
    const { errors } = parseSlos({ 'query.p99': '<1s' }, { phases: [{ name: 'load', operations: [{ kind: 'search' }] }] });
    expect(errors).toEqual(['slo.query.p99: no query operations run, so this is never measured (allowed: search.p99)']);
  });
});
