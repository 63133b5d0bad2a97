// The one door into local/ (the look-alike and the real-Milvus launcher): run/ and the `local` commands start, find
// and drive the local cluster here, and hands the local fault backend its supervisor as a LocalClusterControl.
import type { LocalClusterControl } from '../faults/index.js';
import {
  findLocalCluster,
  restartComponent,
  signalComponent,
  startComponent,
  stopComponent,
  waitComponentReady,
} from '../local/index.js';

export {
  LOCAL_CLUSTER_DESCRIPTION,
  findLocalCluster,
  startLocalCluster,
  downLocalCluster,
  loadLocalConfig,
  signalComponent,
  stopComponent,
  startComponent,
  restartComponent,
  type LocalClusterHandle,
  type LocalClusterStatus,
  type LocalUpOptions,
} from '../local/index.js';

export function localClusterControl(dataDir: string): LocalClusterControl {
  return {
    dataDir,
    components: async () => (await findLocalCluster(dataDir))?.components ?? null,
    signal: (name, signal) => signalComponent(dataDir, name, signal),
    stop: (name) => stopComponent(dataDir, name),
    start: (name) => startComponent(dataDir, name),
    restart: (name) => restartComponent(dataDir, name),
    waitReady: (name, timeoutMs) => waitComponentReady(dataDir, name, timeoutMs),
  };
}
