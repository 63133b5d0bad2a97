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
          "deleteRows": 0,
          "recallQueries": 100,
          "spotChecks": 20,
        },
        "warmupMs": 3000,
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
        "scenario.name: is empty (allowed: a non-empty string)",
        "scenario.collection.metric: "HAMMING" is not allowed (allowed: L2, IP, COSINE)",
        "scenario.collection.shards: 0 is too small (allowed: integers 1..16; Milvus proxy.maxShardNum)",
        "scenario.collection.dimm: unknown key; did you mean "dim"? (allowed: name, dim, metric, index, shards, replicas, scalars, recreate, autoId)",
        "scenario.ingest.rows: -1 is too small (allowed: integers >= 0)",
        "scenario.ingest.vectors.random.distribution: "gaussian" is not allowed (allowed: uniform, normal, clustered)",
        "scenario.phases[1].duration: "soon" is not a duration (allowed: durations such as "500ms", "20s", "2m", "1h" or a number of milliseconds, longer than 0)",
        "scenario.phases[1].rate: -5 is too small (allowed: numbers > 0)",
        "scenario.phases[1].operations[0].search.topK: 0 is too small (allowed: integers 1..16384; Milvus quotaAndLimits.limits.topK)",
        "scenario.phases[1].operations[0]: has both search and query (allowed: exactly one of search: { … } or query: { … })",
        "scenario.verify.recallQueries: 1.5 is not an integer (allowed: integers >= 0)",
        "scenario.metrics.interval: "10ms" is too short (allowed: durations such as "500ms", "20s", "2m", "1h" or a number of milliseconds, 100ms up to 60s)",
        "scenario.colection: unknown key; did you mean "collection"? (allowed: name, description, collection, ingest, phases, warmup, faults, slo, verify, metrics, availability, recovery)",
      ]
    `);
  });

  it('requires a name and at least one phase, and a loop mode per phase', () => {
    expect(errorsOf({ phases: [] })).toEqual(['scenario.name: is required (allowed: a non-empty string)', 'scenario.phases: is empty (allowed: a list of at least one phase { duration, concurrency | rate })']);
    expect(errorsOf({ name: 'x', phases: [{ duration: 1000, rampTo: 5, maxInFlight: 3 }] })).toEqual([
      'scenario.phases[0].concurrency: is required when rate is not set (allowed: concurrency (closed loop) or rate (open loop, requests/s))',
      'scenario.phases[0].rampTo: is set without rate (allowed: rampTo only with rate (open loop))',
      'scenario.phases[0].maxInFlight: is set without rate (allowed: maxInFlight only with rate (open loop))',
    ]);
  });

  it('checks phase names: unique and not reserved', () => {
    const phase = { duration: '1s', concurrency: 1 };
    expect(errorsOf({ name: 'x', phases: [{ ...phase, name: 'a' }, { ...phase, name: 'a' }, { ...phase, name: 'search' }] })).toEqual([
      'scenario.phases[1].name: "a" is already used by phases[0] (allowed: a name no other phase has)',
      'scenario.phases[2].name: "search" is reserved for SLO keys (allowed: any name but search, query, fault, ingest, recall, count, downtime, recovery, dropped, total)',
    ]);
    expect(errorsOf({ name: 'x', phases: [{ ...phase, name: '1st phase' }] })).toEqual([
      'scenario.phases[0].name: "1st phase" is not a valid name (allowed: a letter, then letters, digits, "_" and "-")',
    ]);
  });

  it('accepts durations as strings with units or numbers of ms', () => {
    for (const [duration, ms] of [['500ms', 500], ['20s', 20_000], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000], [750, 750]] as const) {
      const { value } = validateScenario({ name: 'x', phases: [{ duration, concurrency: 1 }] }, FILE);
      expect(value!.phases[0].durationMs).toBe(ms);
    }
    expect(errorsOf({ name: 'x', phases: [{ duration: '0s', concurrency: 1 }] })).toEqual([
      'scenario.phases[0].duration: "0s" is too short (allowed: durations such as "500ms", "20s", "2m", "1h" or a number of milliseconds, longer than 0)',
    ]);
    expect(errorsOf({ name: 'x', phases: [{ duration: '-1s', concurrency: 1 }] })[0]).toContain('"-1s" is not a duration (negative)');
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
        "scenario.faults[0].revertAfter: is required for action "pause" (allowed: a duration such as "10s": how long the fault lasts)",
        "scenario.faults[1].revertAfter: is required for action "partition" (allowed: a duration such as "10s": how long the fault lasts)",
        "scenario.faults[2].latency: is required for action "delay" (allowed: latency such as "100ms", or loss such as "10%")",
        "scenario.faults[3].command: is required for action "exec" (allowed: a shell command string)",
        "scenario.faults[4].command: is set for action "kill" (allowed: command only with action "exec")",
        "scenario.faults[4].latency: is set for action "kill" (allowed: latency only with action "delay")",
        "scenario.faults[5].signal: is set for action "restart" (allowed: signal only with actions "kill" and "stop")",
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
        "scenario.faults[0].action: "explode" is not allowed (allowed: kill, stop, start, restart, pause, partition, delay, exec)",
        "scenario.faults[0].target.role: "querynodes" is not allowed; did you mean "querynode"? (allowed: proxy, querynode, datanode, indexnode, streamingnode, coordinator, standalone, etcd, minio, pulsar)",
        "scenario.faults[0].target.pick: 0 is not a count (allowed: "one", "all", a count such as 2, a percentage such as "50%" or an exact name such as "querynode-1")",
        "scenario.faults[1].target.pick: "150%" is out of range (allowed: percentages from "1%" to "100%")",
        "scenario.faults[2].target.pick: is empty (allowed: "one", "all", a count such as 2, a percentage such as "50%" or an exact name such as "querynode-1")",
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
      'scenario.faults[0].at: 70s is not before the end of the load (allowed: times before 60s, the sum of phase durations)',
      'scenario.faults[1].repeat: occurrence 3 at 60s is not before the end of the load (allowed: every occurrence at times before 60s, the sum of phase durations)',
      'scenario.faults[3].repeat.every: 15s is not longer than revertAfter (20s), so occurrences would overlap (allowed: durations longer than 20s)',
    ]);
  });
});
