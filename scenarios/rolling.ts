// Rolling restart: restart each querynode in turn (by name, 30 s apart) under search load, as an upgrade would.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'rolling',
  description: 'Restart querynode-1 at 15 s and querynode-2 at 45 s of an 80 s search load; 2 replicas keep serving.',
  collection: { name: 'bench_rolling', dim: 128, index: { type: 'IVF_FLAT', params: { nlist: 1024 } }, replicas: 2 },
  ingest: { rows: 100_000, batchSize: 5000, vectors: { random: { seed: 42, distribution: 'clustered' } } },
  phases: [
    { name: 'steady', duration: '80s', concurrency: 10, operations: [{ search: { topK: 10, params: { nprobe: 8 } } }] },
  ],
  // Names as the local cluster reports them; for Docker or Kubernetes use the container or pod names.
  faults: [
    { at: '15s', action: 'restart', target: { role: 'querynode', pick: 'querynode-1' } },
    { at: '45s', action: 'restart', target: { role: 'querynode', pick: 'querynode-2' } },
  ],
  slo: { downtime: '<5s', 'fault.0.downtime': '<5s', 'fault.1.downtime': '<5s', count: 'exact' },
  verify: { count: true, recallQueries: 50 },
});
