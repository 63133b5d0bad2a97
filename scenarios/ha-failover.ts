// High availability: kill one of two querynodes under search load; with 2 replicas searches keep being served.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'ha-failover',
  description: 'Kill one querynode at 20 s of a 60 s search load (10 concurrent) on a collection with 2 replicas.',
  collection: {
    name: 'bench_ha_failover',
    dim: 128,
    metric: 'L2',
    index: { type: 'IVF_FLAT', params: { nlist: 1024 } },
    replicas: 2,
  },
  ingest: { rows: 100_000, batchSize: 5000, parallelBatches: 2, vectors: { random: { seed: 42, distribution: 'clustered' } } },
  phases: [
    {
      name: 'steady',
      duration: '60s',
      concurrency: 10,
      timeout: '5s',
      operations: [{ search: { nq: 1, topK: 10, params: { nprobe: 8 } } }],
    },
  ],
  faults: [{ at: '20s', action: 'kill', target: { role: 'querynode', pick: 'one' } }],
  slo: {
    downtime: '<5s',
    'search.p99': '<100ms',
    count: 'exact',
    recall: '>=0.95',
  },
  verify: { count: true, recallQueries: 100 },
  metrics: { interval: '1s', recoverySuccesses: 5 },
});
