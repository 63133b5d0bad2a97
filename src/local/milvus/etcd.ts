// The real cluster's etcd: Debian's etcd-server binary, on ports of our choosing, its data under the data dir.
import { join } from 'node:path';
import { findExecutable } from './cluster-tools.js';

export const ETCD_INSTALL_HINT = 'apt-get install etcd-server (Debian), or put etcd on PATH';

export const findEtcd = (): string => findExecutable('etcd', ETCD_INSTALL_HINT);

export interface EtcdPorts {
  client: number;
  peer: number;
}

/** argv of a single-member etcd; settings as in Milvus's own docker-compose file. */
export function etcdArgv(etcdBin: string, dataDir: string, ports: EtcdPorts): string[] {
  const client = `http://127.0.0.1:${ports.client}`;
  const peer = `http://127.0.0.1:${ports.peer}`;
  return [
    etcdBin,
    '--name', 'milvus-bench',
    '--data-dir', join(dataDir, 'etcd'),
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `milvus-bench=${peer}`,
    '--auto-compaction-mode', 'revision',
    '--auto-compaction-retention', '1000',
    '--quota-backend-bytes', '4294967296',
    '--snapshot-count', '50000',
  ];
}
