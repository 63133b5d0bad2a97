// TargetInfo for result.json: what was benchmarked. The caller knows whether the address is the local test cluster.
import type { TargetInfo } from '../model/index.js';
import type { TargetConnection } from './connect.js';

export interface TargetOrigin {
  /** true when the address came from the embedded local cluster */
  local: boolean;
  /** e.g. the local cluster's description; defaults to 'Milvus' (reports add ' at host:port') */
  description?: string;
}

export function describeTarget(conn: TargetConnection, origin: TargetOrigin): TargetInfo {
  return {
    kind: origin.local ? 'local' : 'milvus',
    address: conn.address,
    serverVersion: conn.serverVersion,
    description: origin.description ?? (origin.local ? 'Local Milvus-compatible test cluster (not Milvus)' : 'Milvus'),
  };
}
