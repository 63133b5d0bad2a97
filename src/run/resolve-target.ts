// Where the run sends traffic: a configured Milvus address, or the embedded local test cluster
// (reused when one is already running in the data dir, otherwise started for this run and stopped after it).
import { resolve } from 'node:path';
import { ExitError, TargetError } from '../errors.js';
import { findLocalCluster, LOCAL_CLUSTER_DESCRIPTION, startLocalCluster } from '../target/local-cluster.js';
import type { BenchConfig, TargetConfig } from '../scenario/index.js';
import { isLocalAddress } from '../model/address.js';

export interface ResolvedTarget {
  kind: 'local' | 'milvus';
  target: TargetConfig;
  description: string;
  /** data dir of the local cluster, for the local fault backend */
  localDataDir?: string;
  /** true when this run started the local cluster */
  startedByRun: boolean;
  release(): Promise<void>;
}

export async function resolveTarget(
  config: BenchConfig,
  options: { keepLocal: boolean; log: (line: string) => void },
): Promise<ResolvedTarget> {
  if (!isLocalAddress(config.target.address)) {
    return {
      kind: 'milvus',
      target: config.target,
      // reports add ' at <address>'
      description: 'Milvus',
      startedByRun: false,
      release: async () => {},
    };
  }
  const dataDir = resolve(config.local.dataDir);
  const running = await findLocalCluster(dataDir);
  const describe = (proxies: number, querynodes: number) =>
    `${LOCAL_CLUSTER_DESCRIPTION}: ${proxies} proxies, ${querynodes} querynodes`;
  // engine milvus never runs against the look-alike; a real Milvus already running is used whatever local.engine says
  if (running && config.local.engine === 'milvus' && running.engine !== 'milvus') {
    throw new TargetError(`local.engine is milvus but the look-alike (engine builtin) is running in ${dataDir}; stop it with \`milvus-bench local down --data-dir ${dataDir}\``);
  }
  if (running) {
    const count = (role: string) => running.components.filter((c) => c.role === role).length;
    options.log(`using the local cluster already running in ${dataDir} at ${running.address}`);
    return {
      kind: 'local',
      target: { ...config.target, address: running.address },
      description: running.engine === 'milvus' ? running.description : describe(count('proxy'), count('querynode')),
      localDataDir: dataDir,
      startedByRun: false,
      release: async () => {},
    };
  }
  const what = config.local.engine !== 'milvus' ? `the local cluster (${config.local.proxies} proxies, ${config.local.querynodes} querynodes)` : config.local.topology === 'cluster' ? 'the real Milvus cluster' : 'the real Milvus standalone';
  options.log(`starting ${what} on 127.0.0.1:${config.local.port === 0 ? 'a free port' : config.local.port}`);
  let cluster;
  try {
    cluster = await startLocalCluster({
      dataDir,
      port: config.local.port,
      proxies: config.local.proxies,
      querynodes: config.local.querynodes,
      sessionTtlMs: config.local.sessionTtlMs,
      restartDelayMs: config.local.restartDelayMs,
      autoRestart: config.local.autoRestart,
      runtime: config.local.runtime,
      ...(config.local.engine === 'milvus' ? { engine: config.local.engine, topology: config.local.topology } : {}),
      ...(config.local.engine === 'milvus' && config.local.milvusBin ? { milvusBin: config.local.milvusBin } : {}),
      ...(config.local.image ? { image: config.local.image } : {}),
      ...(config.local.project ? { project: config.local.project } : {}),
      detach: true,
    });
  } catch (error) {
    if (error instanceof ExitError) throw error;
    throw new TargetError(`could not start the local cluster in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    kind: 'local',
    target: { ...config.target, address: cluster.address },
    description: config.local.engine === 'milvus' ? (await cluster.status()).description : describe(config.local.proxies, config.local.querynodes),
    localDataDir: dataDir,
    startedByRun: true,
    release: async () => {
      if (options.keepLocal) {
        options.log(`local cluster left running at ${cluster.address} (stop it with: npx milvus-bench local down --data-dir ${dataDir})`);
        return;
      }
      await cluster.down();
    },
  };
}
