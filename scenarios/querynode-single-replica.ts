// One replica only: killing a querynode is a real outage until its segments are loaded elsewhere.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'querynode-single-replica',
  description: 'Kill one querynode at 20 s with replicas: 1; expect an outage for failure detection plus segment reload.',
  collection: { name: 'bench_qn_single_replica', dim: 128, index: { type: 'IVF_FLAT', params: { nlist: 1024 } }, replicas: 1 },
  ingest: { rows: 100_000, batchSize: 5000, vectors: { random: { seed: 42, distribution: 'clustered' } } },
  phases: [
    { name: 'steady', duration: '90s', concurrency: 10, timeout: '5s', operations: [{ search: { topK: 10, params: { nprobe: 8 } } }] },
  ],
  faults: [{ at: '20s', action: 'kill', target: { role: 'querynode', pick: 'one' } }],
  // The outage is expected: the gate is that service comes back within detection + reload time and no rows are lost.
  slo: { downtime: '<45s', count: 'exact', 'steady.search.p50': '<100ms' },
  verify: { count: true, recallQueries: 50 },
  metrics: { interval: '1s', recoverySuccesses: 5 },
});
