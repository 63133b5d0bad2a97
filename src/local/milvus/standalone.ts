// The real Milvus standalone as one supervisor component named `standalone`: `milvus run standalone` with a
// milvus.yaml we write, so every port is ours (proxy, internal, coordinators, nodes, metrics and the embedded
// etcd's client and peer ports) and two standalones run side by side. Data, etcd and rocksmq live under the data
// dir, so a restarted standalone finds its collections again.
import { createHash } from 'node:crypto';
import { mkdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logFile, type ComponentRecord } from '../layout.js';
import type { UnpackedMilvus } from './binary.js';
import { embeddedEtcdYaml, writeMilvusConfig } from './config.js';
import { PortAllocator } from './cluster-plan.js';

export const standaloneHome = (dataDir: string): string => join(dataDir, 'milvus');

export interface StandalonePorts {
  proxy: number;
  proxyInternal: number;
  rootCoord: number;
  queryCoord: number;
  queryNode: number;
  dataCoord: number;
  dataNode: number;
  indexNode: number;
  indexCoord: number;
  etcdClient: number;
  etcdPeer: number;
  metrics: number;
}

export const describeMilvusStandalone = (version: string): string => `Real Milvus ${version} standalone (embedded etcd, rocksmq, local storage)`;

/** Free ports for everything a standalone listens on; `proxy` is the client port the caller chose. */
export async function allocateStandalonePorts(proxy: number, allocator = new PortAllocator([proxy])): Promise<StandalonePorts> {
  const take = (): Promise<number> => allocator.take();
  return {
    proxy,
    proxyInternal: await take(),
    rootCoord: await take(),
    queryCoord: await take(),
    queryNode: await take(),
    dataCoord: await take(),
    dataNode: await take(),
    indexNode: await take(),
    indexCoord: await take(),
    etcdClient: await take(),
    etcdPeer: await take(),
    metrics: await take(),
  };
}

/** Writes <home>/configs/{milvus.yaml,glog.conf,embed-etcd.yaml}; returns the config dir (MILVUSCONF). */
/** `sessionTtlSeconds`: common.session.ttl, how long a killed process's etcd session outlives it (the template's 30 s
 * keeps a restarted standalone from serving its collections again until the old session expired). */
export async function writeStandaloneConfig(home: string, templateDir: string, ports: StandalonePorts, sessionTtlSeconds?: number): Promise<string> {
  const configDir = join(home, 'configs');
  const data = join(home, 'data');
  const logs = join(home, 'logs');
  await mkdir(data, { recursive: true });
  await mkdir(logs, { recursive: true });
  const placeholders: Record<string, string> = {
    etcd_port: String(ports.etcdClient),
    etcd_log_path: join(logs, 'etcd.log'),
    etcd_data_dir: join(data, 'etcd.data'),
    local_storage_dir: data,
    rocksmq_data_dir: join(data, 'rocksmq'),
    // Milvus's own log goes to stdout, i.e. the component's log file
    system_log_path: '',
    proxy_port: String(ports.proxy),
    proxy_internal_port: String(ports.proxyInternal),
    root_coord_port: String(ports.rootCoord),
    query_coord_port: String(ports.queryCoord),
    query_node_port: String(ports.queryNode),
    data_coord_port: String(ports.dataCoord),
    data_node_port: String(ports.dataNode),
    index_node_port: String(ports.indexNode),
    index_coord_port: String(ports.indexCoord),
  };
  const etcdConfig = join(configDir, 'embed-etcd.yaml');
  await writeMilvusConfig(configDir, templateDir, placeholders, {
    'etcd.endpoints': `127.0.0.1:${ports.etcdClient}`,
    'etcd.config.path': etcdConfig,
    ...(sessionTtlSeconds ? { 'common.session.ttl': String(sessionTtlSeconds) } : {}),
    // an empty ip means "the first unicast address"; keep every role on loopback
    ...Object.fromEntries(['rootCoord', 'proxy', 'queryCoord', 'queryNode', 'indexNode', 'dataCoord', 'dataNode'].map((role) => [`${role}.ip`, '127.0.0.1'])),
  });
  await writeFile(etcdConfig, embeddedEtcdYaml(join(data, 'etcd.data'), { client: ports.etcdClient, peer: ports.etcdPeer }));
  return configDir;
}

/** Environment of one Milvus process: nothing of ours leaks in (Milvus reads e.g. LOG_LEVEL as log.level). */
export function milvusEnv(binary: Pick<UnpackedMilvus, 'binDir'>, configDir: string, metricsPort: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LD_LIBRARY_PATH: binary.binDir,
    MILVUSCONF: configDir,
    METRICS_PORT: String(metricsPort),
    ...extra,
  };
}

/** `<home>/bin` links to the cached binary, so the process's command line names the data dir (`local down` kills
 * only processes whose command line does). */
export async function linkMilvusBinary(home: string, binDir: string): Promise<string> {
  const link = join(home, 'bin');
  await mkdir(home, { recursive: true });
  if ((await readlink(link).catch(() => null)) !== binDir) {
    await rm(link, { recursive: true, force: true });
    await symlink(binDir, link);
  }
  return link;
}

/** Pid files live in /run/milvus/<role>-<alias>.pid: a second standalone needs an alias of its own. */
export const milvusAlias = (dataDir: string, name: string): string => `${name}-${createHash('sha1').update(dataDir).digest('hex').slice(0, 8)}`;

export async function planMilvusStandalone(dataDir: string, port: number, binary: UnpackedMilvus, sessionTtlMs?: number): Promise<ComponentRecord[]> {
  const home = standaloneHome(dataDir);
  const ports = await allocateStandalonePorts(port);
  const configDir = await writeStandaloneConfig(home, binary.templateDir, ports, sessionTtlMs ? Math.max(1, Math.ceil(sessionTtlMs / 1000)) : undefined);
  const bin = await linkMilvusBinary(home, binary.binDir);
  return [
    {
      name: 'standalone',
      role: 'standalone',
      pid: null,
      grpcPort: ports.proxy,
      metricsPort: ports.metrics,
      restarts: 0,
      stopped: false,
      logFile: logFile(dataDir, 'standalone'),
      argv: [join(bin, 'milvus'), 'run', 'standalone', '-alias', milvusAlias(dataDir, 'standalone')],
      env: milvusEnv(binary, configDir, ports.metrics, { DEPLOY_MODE: 'STANDALONE' }),
      cwd: home,
      health: { http: '/healthz', port: ports.metrics },
      binds: [binary.binDir],
    },
  ];
}
