// The real Milvus cluster on one machine, as supervisor components: etcd and Kafka (stage 0), the coordinators in
// one `mixture` process (1), datanode, indexnode, querynodes and proxies (2), and our TCP balancer in front of the
// proxies (3). Every process has its own ports, given as environment overrides, and its log in <dataDir>/logs.
import { createHash } from 'node:crypto';
import { readdirSync, realpathSync } from 'node:fs';
import { mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { componentCommand, logFile, type ComponentRecord, type ComponentRole } from '../layout.js';
import { unpackMilvus, type UnpackedMilvus } from './binary.js';
import { findExecutable } from './cluster-tools.js';
import { milvusHome, writeClusterConfig } from './cluster-config.js';
import { etcdArgv, findEtcd } from './etcd.js';
import { ensureKafkaJars, kafkaArgv, prepareKafka } from './kafka.js';

/** What the parent prepares before the supervisor starts (slow or failing steps, reported as one line). */
export interface MilvusClusterTools {
  binary: UnpackedMilvus;
  etcdBin: string;
  /** the real java executable (not /usr/bin/java → /etc/alternatives, which a container does not see) */
  javaBin: string;
  kafkaJars: string;
  /** docker runtime: what the JVM reads outside /usr (Debian keeps its config in /etc/java-N-openjdk) */
  javaBinds: string[];
}

export interface MilvusClusterShape {
  port: number;
  proxies: number;
  querynodes: number;
  sessionTtlMs: number;
}

/** `milvusBin`: the milvus-server script to take the binary from (default: the one on PATH). */
export async function prepareMilvusClusterTools(options: { milvusBin?: string } = {}): Promise<MilvusClusterTools> {
  const etcdBin = findEtcd();
  const javaBin = realpathSync(findExecutable('java', 'apt-get install openjdk-17-jre-headless (Kafka runs on the JVM)'));
  const javaBinds = readdirSync('/etc').filter((name) => /^java-\d+-openjdk$/.test(name)).map((name) => join('/etc', name));
  const [binary, kafkaJars] = await Promise.all([unpackMilvus(options), ensureKafkaJars()]);
  return { binary, etcdBin, javaBin, kafkaJars, javaBinds };
}

export const describeMilvusCluster = (version: string, s: { proxies: number; querynodes: number }): string =>
  `Real Milvus ${version} cluster: etcd, Kafka, mixcoord, datanode, indexnode, ${s.querynodes} querynodes, ${s.proxies} proxies behind a TCP balancer`;

// Outside Linux's ephemeral range (32768-60999), so a restarted component does not find its port taken by
// some outgoing connection's source port.
const PORT_RANGE = { from: 20000, to: 32767 };

async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  // Milvus listens on every interface, so check the wildcard address
  const ok = await new Promise<boolean>((resolve) => server.once('error', () => resolve(false)).listen(port, () => resolve(true)));
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
}

export class PortAllocator {
  private readonly taken = new Set<number>();
  private next = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));

  constructor(reserved: number[] = []) {
    for (const port of reserved) this.taken.add(port);
  }

  async take(): Promise<number> {
    for (let tries = 0; tries < PORT_RANGE.to - PORT_RANGE.from; tries++) {
      const port = this.next;
      this.next = port >= PORT_RANGE.to ? PORT_RANGE.from : port + 1;
      if (!this.taken.has(port) && (await bindable(port))) {
        this.taken.add(port);
        return port;
      }
    }
    throw new Error(`no free port in ${PORT_RANGE.from}..${PORT_RANGE.to}`);
  }
}

/** A second cluster (or another user's standalone) must not share `/run/milvus/<role>-<alias>.pid`. */
const aliasFor = (dataDir: string, name: string): string => `${name}-${createHash('sha1').update(dataDir).digest('hex').slice(0, 8)}`;

interface MilvusRole {
  name: string;
  role: ComponentRole;
  argv: string[];
  /** env var per port; the first is the component's gRPC port */
  ports: string[];
  stage: number;
}

function milvusRoles(shape: MilvusClusterShape): MilvusRole[] {
  const roles: MilvusRole[] = [
    { name: 'mixcoord', role: 'coordinator', argv: ['mixture', '-rootcoord', '-querycoord', '-datacoord', '-indexcoord'], ports: ['ROOTCOORD_PORT', 'QUERYCOORD_PORT', 'DATACOORD_PORT'], stage: 1 },
    { name: 'datanode-1', role: 'datanode', argv: ['datanode'], ports: ['DATANODE_PORT'], stage: 2 },
    { name: 'indexnode-1', role: 'indexnode', argv: ['indexnode'], ports: ['INDEXNODE_PORT'], stage: 2 },
  ];
  for (let i = 1; i <= shape.querynodes; i++) roles.push({ name: `querynode-${i}`, role: 'querynode', argv: ['querynode'], ports: ['QUERYNODE_PORT'], stage: 2 });
  for (let i = 1; i <= shape.proxies; i++) roles.push({ name: `proxy-${i}`, role: 'proxy', argv: ['proxy'], ports: ['PROXY_PORT', 'PROXY_INTERNALPORT'], stage: 2 });
  return roles;
}

/** `<dataDir>/milvus/bin` links to the cached binary, so every process's command line names the data dir
 * (`local down` only kills processes whose command line does). */
async function linkBinary(dataDir: string, binDir: string): Promise<string> {
  const link = join(milvusHome(dataDir), 'bin');
  await mkdir(milvusHome(dataDir), { recursive: true });
  const current = await readlink(link).catch(() => null);
  if (current !== binDir) {
    await rm(link, { recursive: true, force: true });
    await symlink(binDir, link);
  }
  return link;
}

export async function planMilvusCluster(dataDir: string, shape: MilvusClusterShape, tools: MilvusClusterTools): Promise<ComponentRecord[]> {
  const ports = new PortAllocator([shape.port]);
  const etcd = { client: await ports.take(), peer: await ports.take() };
  const kafka = { broker: await ports.take(), controller: await ports.take() };
  const storagePath = join(dataDir, 'storage');
  await mkdir(storagePath, { recursive: true });
  const configDir = await writeClusterConfig(dataDir, {
    templateDir: tools.binary.templateDir,
    etcdEndpoint: `127.0.0.1:${etcd.client}`,
    kafkaBroker: `127.0.0.1:${kafka.broker}`,
    storagePath,
    sessionTtlSeconds: Math.max(1, Math.ceil(shape.sessionTtlMs / 1000)),
  });
  await prepareKafka(dataDir, tools.kafkaJars, tools.javaBin, kafka);
  const bin = await linkBinary(dataDir, tools.binary.binDir);
  const base = (name: string, role: ComponentRole): Pick<ComponentRecord, 'name' | 'role' | 'pid' | 'restarts' | 'stopped' | 'logFile'> => ({ name, role, pid: null, restarts: 0, stopped: false, logFile: logFile(dataDir, name) });
  const components: ComponentRecord[] = [
    { ...base('etcd', 'etcd'), grpcPort: etcd.client, metricsPort: etcd.client, argv: etcdArgv(tools.etcdBin, dataDir, etcd), health: { http: '/health', port: etcd.client }, stage: 0 },
    { ...base('kafka', 'kafka'), grpcPort: kafka.broker, metricsPort: kafka.broker, argv: kafkaArgv(dataDir, tools.kafkaJars, tools.javaBin), health: { tcp: kafka.broker }, binds: [tools.kafkaJars, ...tools.javaBinds], stage: 0 },
  ];
  for (const role of milvusRoles(shape)) {
    const metricsPort = await ports.take();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dataDir,
      LD_LIBRARY_PATH: tools.binary.binDir,
      MILVUSCONF: configDir,
      METRICS_PORT: String(metricsPort),
    };
    for (const name of role.ports) env[name] = String(await ports.take());
    components.push({
      ...base(role.name, role.role),
      grpcPort: Number(env[role.ports[0]!]),
      metricsPort,
      argv: [join(bin, 'milvus'), 'run', ...role.argv, '-alias', aliasFor(dataDir, role.name)],
      env,
      cwd: milvusHome(dataDir),
      health: { http: '/healthz', port: metricsPort },
      binds: [tools.binary.binDir],
      stage: role.stage,
    });
  }
  const balancerMetrics = await ports.take();
  const argv = componentCommand('balancer', 'balancer', { dataDir, coordinator: '', grpcPort: shape.port, metricsPort: balancerMetrics, sessionTtlMs: shape.sessionTtlMs, port: shape.port });
  components.push({ ...base('balancer', 'balancer'), grpcPort: shape.port, metricsPort: balancerMetrics, argv, stage: 3 });
  return components;
}


/** Milvus leaves `/run/milvus/<role>-<alias>.pid` (or under /tmp/milvus) and `/tmp/milvus/server_id_<pid>` behind
 * when killed; removes those of `component` (its pids: every process it ran). */
export async function removeMilvusRuntimeFiles(component: Pick<ComponentRecord, 'argv' | 'env'>, pids: number[]): Promise<void> {
  if (!component.env?.MILVUSCONF) return;
  const alias = component.argv[component.argv.indexOf('-alias') + 1];
  const role = component.argv[2];
  const files = pids.map((pid) => join('/tmp/milvus', `server_id_${pid}`));
  if (alias && role) files.push(join('/run/milvus', `${role}-${alias}.pid`), join('/tmp/milvus', `${role}-${alias}.pid`));
  await Promise.all(files.map((file) => rm(file, { force: true })));
}
