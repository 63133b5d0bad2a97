// The seed verification: 100k × 128, IVF_FLAT nlist 1024, 1000 searches at 10 concurrent; P50/P95/P99 in the report.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'seed-baseline',
  description: '100k × 128 clustered vectors, IVF_FLAT (nlist 1024, nprobe 8): 1000 searches at 10 concurrent.',
  collection: {
    name: 'bench_seed_baseline',
    dim: 128,
    metric: 'L2',
    index: { type: 'IVF_FLAT', params: { nlist: 1024 } },
  },
  ingest: { rows: 100_000, batchSize: 5000, parallelBatches: 2, vectors: { random: { seed: 7, distribution: 'clustered' } } },
  phases: [
    {
      name: 'baseline',
      // an upper bound: the phase ends after 1000 requests
      duration: '2m',
      concurrency: 10,
      maxRequests: 1000,
      operations: [{ search: { nq: 1, topK: 10, params: { nprobe: 8 } } }],
    },
  ],
  slo: { 'search.p99': '<100ms', 'search.errorRate': '==0', count: 'exact' },
  verify: { count: true, recallQueries: 100 },
});
