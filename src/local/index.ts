// Local Milvus-compatible test cluster (real OS processes speaking Milvus's gRPC protocol) — not Milvus.
export { LOCAL_CLUSTER_DESCRIPTION, componentCommand, type ComponentRole, type ComponentOptions } from './layout.js';
export {
  startLocalCluster,
  findLocalCluster,
  signalComponent,
  stopComponent,
  startComponent,
  restartComponent,
  waitComponentReady,
  downLocalCluster,
  type LocalUpOptions,
  type LocalComponentStatus,
  type LocalClusterStatus,
  type LocalClusterHandle,
} from './cluster.js';
export { loadLocalConfig, type LocalConfig } from './config.js';
