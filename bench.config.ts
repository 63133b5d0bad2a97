// milvus-bench configuration for this repository: the defaults, spelled out.
// Secrets belong in the environment: MILVUS_TOKEN, MILVUS_USER, MILVUS_PASSWORD (and MILVUS_ADDRESS) override this file.
// A type-only import: this file loads even before the package is built.
import type { ConfigInput } from 'milvus-bench';

export default {
  target: {
    // 'local' starts the embedded local Milvus-compatible test cluster (not Milvus); or 'host:19530' / 'https://…'
    address: 'local',
    connectTimeout: '5s',
  },
  local: { proxies: 2, querynodes: 2, port: 19530, dataDir: '.milvus-bench/local', runtime: 'process' },
  reportDir: 'reports',
  // Default SLOs, merged under each scenario's own (the scenario's keys win).
  slo: {},
  faults: {
    // 'local' is the default for a local target; 'docker' / 'kubernetes' / 'chaos-mesh' need an allow list.
    allow: [],
    docker: { services: { querynode: 'querynode', proxy: 'proxy' } },
    kubernetes: { namespace: 'default', instance: 'milvus' },
  },
} satisfies ConfigInput;
