// Open-loop ramp to find the highest request rate that still meets the P99 budget (read it off the time series).
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'throughput',
  description: 'Open-loop ramp 100 → 1500 searches/s over 60 s; latency is measured from the intended start.',
  collection: { name: 'bench_throughput', dim: 128, index: { type: 'IVF_FLAT', params: { nlist: 256 } } },
  ingest: { rows: 50_000, batchSize: 5000, vectors: { random: { seed: 11, distribution: 'clustered' } } },
  phases: [
    { name: 'warmup', duration: '10s', rate: 100, operations: [{ search: { topK: 10, params: { nprobe: 8 } } }] },
    {
      name: 'ramp',
      duration: '60s',
      rate: 100,
      rampTo: 1500,
      maxInFlight: 512,
      timeout: '2s',
      operations: [{ search: { topK: 10, params: { nprobe: 8 } } }],
    },
  ],
  slo: { 'ramp.search.p99': '<250ms', 'search.errorRate': '<1%', 'warmup.search.p99': '<100ms' },
  verify: { count: true, recallQueries: 50 },
});
