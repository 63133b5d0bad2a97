// One replica only: losing a querynode is a real outage until it is detected as gone and its segments are loaded
// elsewhere. It is stopped (not killed): a supervisor restarts a killed node within ~1 s, before its session TTL
// (3 s on the local test cluster) runs out, so a kill would never be detected as a node loss. Stopped for 60 s, far
// longer than any session TTL, the outage measures detection + reload; the node comes back at the revert.
import { defineScenario } from 'milvus-bench';

export default defineScenario({
  name: 'querynode-single-replica',
  description: 'Stop one querynode at 20 s for 60 s with replicas: 1; expect an outage for failure detection plus segment reload, well before the node returns.',
  collection: { name: 'bench_qn_single_replica', dim: 128, index: { type: 'IVF_FLAT', params: { nlist: 1024 } }, replicas: 1 },
  ingest: { rows: 100_000, batchSize: 5000, vectors: { random: { seed: 42, distribution: 'clustered' } } },
  phases: [
    { name: 'steady', duration: '90s', concurrency: 10, timeout: '5s', operations: [{ search: { topK: 10, params: { nprobe: 8 } } }] },
  ],
  faults: [{ at: '20s', action: 'stop', target: { role: 'querynode', pick: 'one' }, revertAfter: '60s' }],
  // The outage is expected: the gate is that service comes back within detection + reload time (well under the 60 s the
  // node stays down, so an undetected loss fails it) and no rows are lost.
  slo: { downtime: '<30s', count: 'exact', 'steady.search.p50': '<100ms' },
  verify: { count: true, recallQueries: 50 },
  metrics: { interval: '1s', recoverySuccesses: 5 },
});
