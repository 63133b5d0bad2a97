// Kill one of two proxies behind the balancer: clients should reconnect through the survivor within seconds.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'proxy-failover',
  description: 'Kill one proxy at 20 s of a 60 s search load (10 concurrent); the balancer routes to the other proxy.',
  collection: { name: 'bench_proxy_failover', dim: 128, index: { type: 'IVF_FLAT', params: { nlist: 1024 } }, replicas: 2 },
  ingest: { rows: 100_000, batchSize: 5000, vectors: { random: { seed: 42, distribution: 'clustered' } } },
  phases: [
    { name: 'steady', duration: '60s', concurrency: 10, operations: [{ search: { topK: 10, params: { nprobe: 8 } } }] },
  ],
  faults: [{ at: '20s', action: 'kill', target: { role: 'proxy', pick: 'one' } }],
  slo: { downtime: '<5s', 'search.p99': '<200ms', count: 'exact' },
  verify: { count: true, recallQueries: 50 },
});
