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
      'threshold "<<100" is not <op><number>[unit] with op one of <, <=, >, >=, ==, != and unit ms, s, m or % (e.g. "<100ms")',
    );
    expect(parseThreshold('100ms', 'time')).toMatch(/^threshold "100ms" is not/);
    expect(parseThreshold('<5%', 'time')).toBe('threshold "<5%": a time needs ms, s or m (or a plain number of ms)');
    expect(parseThreshold('>5s', 'ratio')).toBe('threshold ">5s": a ratio takes a plain fraction (0.95) or a percentage (95%)');
    expect(parseThreshold('>5ms', 'rate')).toBe('threshold ">5ms": this metric is a plain number; remove the unit "ms"');
    expect(parseThreshold('==1', 'exact')).toBe('threshold "==1" is not allowed; use "exact"');
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
        "slo.search.p98: unknown metric; use [<phase>.][search.|query.][ok.]<min|mean|p50|p90|p95|p99|p999|max|qps|goodput|errorRate|errors|timeouts|dropped|shortResults>, ingest.rowsPerSec, recall, count, downtime, recovery or fault.[<index>.]<downtime|recovery|p50|p99>",
        "slo.cooldown.search.p99: no phase named "cooldown" (phases: warmup, steady)",
        "slo.warmup.query.p99: no query operations run in phase "warmup", so this is never measured",
        "slo.fault.3.downtime: no fault 3 in the scenario (faults: fault.0)",
        "slo.fault.latency: unknown fault metric; use fault.<downtime|recovery|p50|p99> or fault.<index>.<downtime|recovery|p50|p99>",
        "slo.search.dropped: "dropped" is counted per phase, not per operation; use "dropped"",
        "slo.search.p99: threshold "<<100" is not <op><number>[unit] with op one of <, <=, >, >=, ==, != and unit ms, s, m or % (e.g. "<100ms")",
        "slo.latency: unknown metric; use [<phase>.][search.|query.][ok.]<min|mean|p50|p90|p95|p99|p999|max|qps|goodput|errorRate|errors|timeouts|dropped|shortResults>, ingest.rowsPerSec, recall, count, downtime, recovery or fault.[<index>.]<downtime|recovery|p50|p99>",
        "slo.recall: threshold ">=95ms": a ratio takes a plain fraction (0.95) or a percentage (95%)",
      ]
    `);
  });

  it('treats a scenario without query operations as having no query metrics', () => {
    const { errors } = parseSlos({ 'query.p99': '<1s' }, { phases: [{ name: 'load', operations: [{ kind: 'search' }] }] });
    expect(errors).toEqual(['slo.query.p99: no query operations run, so this is never measured']);
  });
});
