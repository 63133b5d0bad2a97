import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/index.js';

const FILE = '/tmp/scenarios/example.ts';
const minimal = { name: 'x', phases: [{ duration: '10s', concurrency: 2 }] };

function errorsOf(input: unknown): string[] {
  const result = validateScenario(input, FILE);
  expect(result.value).toBeNull();
  return result.errors;
}

describe('validateScenario', () => {
  it('fills every default of a minimal scenario', () => {
    const { value, errors } = validateScenario(minimal, FILE);
    expect(errors).toEqual([]);
    expect(value).toMatchInlineSnapshot(`
      {
        "availability": {
          "slowMs": 1000,
        },
        "collection": {
          "autoId": false,
          "dim": 128,
          "index": {
            "params": {},
            "type": "FLAT",
          },
          "metric": "L2",
          "name": "milvus_bench",
          "recreate": false,
          "replicas": 1,
          "scalars": [],
          "shards": 1,
        },
        "description": "",
        "faults": [],
        "file": "/tmp/scenarios/example.ts",
        "ingest": {
          "batchSize": 1000,
          "parallelBatches": 2,
          "rows": 10000,
          "skip": false,
          "vectors": {
            "distribution": "uniform",
            "kind": "random",
            "seed": 42,
          },
        },
        "metrics": {
          "intervalMs": 1000,
          "recoverySuccesses": 3,
        },
        "name": "x",
        "phases": [
          {
            "concurrency": 2,
            "durationMs": 10000,
            "mode": "closed",
            "name": "phase-1",
            "operations": [
              {
                "kind": "search",
                "nq": 1,
                "outputFields": [],
                "params": {},
                "topK": 10,
                "weight": 1,
              },
            ],
            "slowMs": 1000,
            "timeoutMs": 5000,
          },
        ],
        "recovery": {
          "windowMs": 1000,
        },
        "slo": {},
        "verify": {
          "count": true,
          "recallQueries": 100,
        },
      }
    `);
  });

  it('resolves open-loop phases, operations, index defaults, vector files and faults', () => {
    const { value, errors } = validateScenario(
      {
        name: 'full',
        collection: { dim: 64, index: { type: 'IVF_FLAT' }, replicas: 2 },
        ingest: { vectors: { file: '../data/base.fvecs' } },
        phases: [
          {
            name: 'ramp',
            duration: '1m',
            rate: 100,
            rampTo: 300,
            timeout: '500ms',
            maxRequests: 50,
            operations: [
              { search: { topK: 5, params: { nprobe: 8 }, filter: 'id > 5' }, weight: 3 },
              { query: { expr: 'count' } },
            ],
          },
        ],
        faults: [{ at: '20s', action: 'delay', target: { role: 'proxy', pick: '50%' }, revertAfter: '5s', latency: '200ms', loss: '10%' }],
      },
      FILE,
    );
    expect(errors).toEqual([]);
    expect(value!.collection.index).toEqual({ type: 'IVF_FLAT', params: { nlist: 128 } });
    expect(value!.ingest.vectors).toEqual({ kind: 'file', path: '/tmp/data/base.fvecs', format: 'fvecs' });
    expect(value!.phases[0]).toEqual({
      name: 'ramp',
      mode: 'open',
      durationMs: 60_000,
      rate: 100,
      rampTo: 300,
      maxInFlight: 150,
      timeoutMs: 500,
      slowMs: 1000,
      maxRequests: 50,
      operations: [
        { kind: 'search', weight: 3, nq: 1, topK: 5, params: { nprobe: 8 }, filter: 'id > 5', outputFields: [] },
        { kind: 'query', weight: 1, expr: 'count', limit: 10, outputFields: [] },
      ],
    });
    expect(value!.faults).toEqual([
      { atMs: 20_000, action: 'delay', target: { role: 'proxy', pick: '50%' }, revertAfterMs: 5000, options: { latencyMs: 200, lossPercent: 10 } },
    ]);
  });

  it('reports every problem at once with dot paths, unknown keys and suggestions', () => {
    expect(
      errorsOf({
        name: '',
        collection: { dimm: 128, metric: 'HAMMING', shards: 0 },
        ingest: { rows: -1, vectors: { random: { distribution: 'gaussian' } } },
        phases: [
          { duration: '10s', concurrency: 2 },
          { duration: 'soon', rate: -5, concurrency: 3, operations: [{ search: { topK: 0 }, query: { expr: 'x' } }] },
        ],
        verify: { recallQueries: 1.5 },
        metrics: { interval: '10ms' },
        colection: {},
      }),
    ).toMatchInlineSnapshot(`
      [
        "scenario.name: must not be empty (got "")",
        "scenario.collection.metric: must be one of "L2", "IP", "COSINE" (got "HAMMING")",
        "scenario.collection.shards: must be a positive integer (got 0)",
        "scenario.collection.dimm: unknown key (did you mean "dim"?)",
        "scenario.ingest.rows: must be an integer >= 0 (got -1)",
        "scenario.ingest.vectors: must be { random: { seed, distribution } } or { file: "vectors.npy" | "vectors.fvecs" }",
        "scenario.phases[1].duration: must be a duration such as "20s", "500ms", "1m" or a number of milliseconds (got "soon")",
        "scenario.phases[1].rate: must be a positive number (got -5)",
        "scenario.phases[1].operations[0].search.topK: must be a positive integer (got 0)",
        "scenario.phases[1].operations[0]: must have exactly one of search: {…} or query: {…}",
        "scenario.verify.recallQueries: must be an integer >= 0 (got 1.5)",
        "scenario.metrics.interval: must be between 100 ms and 60000 ms (got "10ms")",
        "scenario.colection: unknown key (did you mean "collection"?)",
      ]
    `);
  });

  it('requires a name and at least one phase, and a loop mode per phase', () => {
    expect(errorsOf({ phases: [] })).toEqual(['scenario.name: is required', 'scenario.phases: must list at least one phase']);
    expect(errorsOf({ name: 'x', phases: [{ duration: 1000, rampTo: 5, maxInFlight: 3 }] })).toEqual([
      'scenario.phases[0].concurrency: set either concurrency (closed loop) or rate (open loop, requests/s)',
      'scenario.phases[0].rampTo: is only allowed with rate (open loop)',
      'scenario.phases[0].maxInFlight: is only allowed with rate (open loop)',
    ]);
  });

  it('checks phase names: unique and not reserved', () => {
    const phase = { duration: '1s', concurrency: 1 };
    expect(errorsOf({ name: 'x', phases: [{ ...phase, name: 'a' }, { ...phase, name: 'a' }, { ...phase, name: 'search' }] })).toEqual([
      'scenario.phases[1].name: "a" is already used by phases[0]',
      'scenario.phases[2].name: "search" is reserved for SLO keys; pick another name',
    ]);
    expect(errorsOf({ name: 'x', phases: [{ ...phase, name: '1st phase' }] })).toEqual([
      'scenario.phases[0].name: must start with a letter and use only letters, digits, "_" and "-" (got "1st phase")',
    ]);
  });

  it('accepts durations as strings with units or numbers of ms', () => {
    for (const [duration, ms] of [['500ms', 500], ['20s', 20_000], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000], [750, 750]] as const) {
      const { value } = validateScenario({ name: 'x', phases: [{ duration, concurrency: 1 }] }, FILE);
      expect(value!.phases[0].durationMs).toBe(ms);
    }
    expect(errorsOf({ name: 'x', phases: [{ duration: '0s', concurrency: 1 }] })).toEqual([
      'scenario.phases[0].duration: must be longer than 0 (got "0s")',
    ]);
    expect(errorsOf({ name: 'x', phases: [{ duration: '-1s', concurrency: 1 }] })[0]).toContain('must be a duration such as');
  });
});

describe('fault rules', () => {
  const withFaults = (faults: unknown[]) => ({ name: 'x', phases: [{ duration: '60s', concurrency: 1 }], faults });

  it('requires revertAfter for pause/partition/delay and command for exec', () => {
    expect(
      errorsOf(
        withFaults([
          { at: '10s', action: 'pause', target: { role: 'querynode' } },
          { at: '10s', action: 'partition', target: { role: 'proxy' } },
          { at: '10s', action: 'delay', target: { role: 'proxy' }, revertAfter: '5s' },
          { at: '10s', action: 'exec', target: { role: 'etcd' } },
          { at: '10s', action: 'kill', target: { role: 'proxy' }, command: 'x', latency: '5ms', signal: 'SIGTERM' },
          { at: '10s', action: 'restart', target: { role: 'proxy' }, signal: 'SIGKILL' },
        ]),
      ),
    ).toMatchInlineSnapshot(`
      [
        "scenario.faults[0].revertAfter: is required for action "pause" (how long the fault lasts, e.g. "10s")",
        "scenario.faults[1].revertAfter: is required for action "partition" (how long the fault lasts, e.g. "10s")",
        "scenario.faults[2].latency: is required for action "delay" (or set loss)",
        "scenario.faults[3].command: is required for action "exec"",
        "scenario.faults[4].command: is only allowed with action "exec"",
        "scenario.faults[4].latency: is only allowed with action "delay"",
        "scenario.faults[5].signal: is only allowed with actions "kill" and "stop"",
      ]
    `);
  });

  it('checks roles, actions and picks', () => {
    expect(
      errorsOf(
        withFaults([
          { at: '10s', action: 'explode', target: { role: 'querynodes', pick: 0 } },
          { at: '10s', action: 'kill', target: { role: 'proxy', pick: '150%' } },
          { at: '10s', action: 'kill', target: { role: 'proxy', pick: '' } },
        ]),
      ),
    ).toMatchInlineSnapshot(`
      [
        "scenario.faults[0].action: must be one of "kill", "stop", "start", "restart", "pause", "partition", "delay", "exec" (got "explode")",
        "scenario.faults[0].target.role: must be one of "proxy", "querynode", "datanode", "indexnode", "streamingnode", "coordinator", "standalone", "etcd", "minio", "pulsar" (got "querynodes")",
        "scenario.faults[0].target.pick: must be a positive integer count (got 0)",
        "scenario.faults[1].target.pick: must be a percentage in (0%, 100%] (got "150%")",
        "scenario.faults[2].target.pick: must be "one", "all", a count, a percentage like "50%" or an exact name",
      ]
    `);
    const { value } = validateScenario(
      withFaults([
        { at: '1s', action: 'kill', target: { role: 'querynode', pick: 'all' } },
        { at: '2s', action: 'stop', target: { role: 'querynode', pick: 2 }, signal: 'SIGTERM' },
        { at: '3s', action: 'start', target: { role: 'querynode', pick: 'querynode-1' } },
        { at: '4s', action: 'exec', target: { role: 'etcd' }, command: 'echo hi', revertCommand: 'echo bye' },
      ]),
      FILE,
    );
    expect(value!.faults.map((f) => f.target.pick)).toEqual(['all', 2, 'querynode-1', 'one']);
    expect(value!.faults[3].options).toEqual({ command: 'echo hi', revertCommand: 'echo bye' });
  });

  it('rejects faults scheduled at or after the end of the load, including repeats, and overlapping repeats', () => {
    expect(
      errorsOf(
        withFaults([
          { at: '70s', action: 'kill', target: { role: 'querynode' } },
          { at: '10s', action: 'restart', target: { role: 'querynode' }, repeat: { every: '25s', times: 3 } },
          { at: '10s', action: 'restart', target: { role: 'querynode' }, repeat: { every: '20s', times: 2 } },
          { at: '10s', action: 'pause', target: { role: 'querynode' }, revertAfter: '20s', repeat: { every: '15s', times: 2 } },
        ]),
      ),
    ).toEqual([
      'scenario.faults[0].at: 70s is not before the load ends at 60s (sum of phase durations)',
      'scenario.faults[1].repeat: occurrence 3 at 60s is not before the load ends at 60s (sum of phase durations)',
      'scenario.faults[3].repeat.every: 15s must be longer than revertAfter (20s) so occurrences do not overlap',
    ]);
  });
});
