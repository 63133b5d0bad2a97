// Smoke test: a few seconds end to end (create, ingest, search, verify) with loose SLOs.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'smoke',
  description: 'Tiny end-to-end check: 2k rows × 32 dims, FLAT index, 5 s of search at 4 concurrent.',
  collection: { name: 'bench_smoke', dim: 32, metric: 'L2', index: { type: 'FLAT' }, recreate: true },
  ingest: { rows: 2000, batchSize: 500, vectors: { random: { seed: 1, distribution: 'uniform' } } },
  phases: [{ name: 'load', duration: '5s', concurrency: 4, operations: [{ search: { nq: 1, topK: 10 } }] }],
  slo: { 'search.p99': '<1s', 'search.errorRate': '<1%', count: 'exact', recall: '>=0.99' },
  verify: { count: true, recallQueries: 20 },
});
