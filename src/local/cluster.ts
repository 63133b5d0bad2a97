// The local cluster seen from outside: start (spawns the detached supervisor), find, signal, stop/start, down.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { TargetError, UsageError } from '../errors.js';
import { clusterFile, componentEntry, pidAlive, readJsonFile, runFile, supervisorLogFile, type ClusterRecord, type ComponentRole, type RunRecord } from './layout.js';
import { connectDocker, DEFAULT_DOCKER_IMAGE, DEFAULT_DOCKER_PROJECT, dockerClient, listClusterContainers, prepareProject, removeContainers, type DockerRuntimeOptions } from './docker-runtime.js';
import type { SupervisorOptions } from './supervisor.js';
import { probeHealth } from './milvus/cluster-health.js';
import { prepareMilvusClusterTools, removeMilvusRuntimeFiles } from './milvus/cluster-plan.js';
import { unpackMilvus } from './milvus/binary.js';
import { serverVersion } from './milvus/readiness.js';

export interface LocalUpOptions {
  dataDir: string;
  port: number;
  proxies: number;
  querynodes: number;
  sessionTtlMs?: number;
  restartDelayMs?: number;
  autoRestart?: boolean;
  detach?: boolean;
  readyTimeoutMs?: number;
  /** 'docker' runs coordinator, querynodes and proxies as containers (the balancer stays a process). Default 'process'. */
  runtime?: 'process' | 'docker';
  /** docker runtime: image whose /bin/sh starts the host's node (default milvus-bench-busybox:test) */
  image?: string;
  /** docker runtime: value of the com.docker.compose.project label (default milvus-bench-local) */
  project?: string;
  /** docker runtime: Engine socket (default /var/run/docker.sock) */
  dockerSocket?: string;
  /** 'milvus' runs the real Milvus binary instead of the look-alike (default 'builtin') */
  engine?: 'builtin' | 'milvus';
  /** engine milvus: 'cluster' runs etcd, Kafka and one process per Milvus role (see src/local/milvus/cluster-plan.ts) */
  topology?: 'standalone' | 'cluster';
  /** engine milvus: the `milvus-server` script of the milvus wheel (default: the first on PATH) */
  milvusBin?: string;
}

export interface LocalComponentStatus {
  name: string;
  role: ComponentRole;
  pid: number | null;
  grpcPort: number | null;
  metricsPort: number | null;
  alive: boolean;
  ready: boolean;
  restarts: number;
  stopped: boolean;
  logFile: string;
  /** docker runtime: the component's container id */
  containerId: string | null;
}

export interface LocalClusterStatus {
  dataDir: string;
  runtime: 'process' | 'docker';
  /** docker runtime: the compose project its containers are labelled with */
  project: string | null;
  address: string;
  port: number;
  supervisorPid: number;
  description: string;
  /** 'milvus' when the components are real Milvus processes */
  engine: 'builtin' | 'milvus';
  topology: 'standalone' | 'cluster';
  /** the server's GetVersion answer (only when asked for: findLocalCluster(dir, { version: true })) */
  version?: string | null;
  components: LocalComponentStatus[];
}

export interface LocalClusterHandle {
  address: string;
  dataDir: string;
  status(): Promise<LocalClusterStatus>;
  down(): Promise<void>;
}

const POLL_MS = 100;

export async function startLocalCluster(o: LocalUpOptions): Promise<LocalClusterHandle> {
  const dataDir = resolve(o.dataDir);
  validateUp(o);
  const running = await findLocalCluster(dataDir);
  if (running) throw new TargetError(`a local cluster is already running in ${dataDir} (supervisor pid ${running.supervisorPid}); stop it with \`milvus-bench local down\``);
  // port 0: the OS picks a free port here, and the supervisor and the returned address use that one
  const port = await claimPort(o.port);
  const docker = o.runtime === 'docker' ? await prepareDocker(o, dataDir) : undefined;
  const milvusCluster = o.engine === 'milvus' && o.topology === 'cluster' ? await prepareMilvusClusterTools(o.milvusBin ? { milvusBin: o.milvusBin } : {}) : undefined;
  const milvusStandalone = o.engine === 'milvus' && o.topology !== 'cluster' ? await unpackMilvus(o.milvusBin ? { milvusBin: o.milvusBin } : {}) : undefined;
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  await rm(join(dataDir, 'run'), { recursive: true, force: true });
  const options: SupervisorOptions = {
    port,
    proxies: o.proxies,
    querynodes: o.querynodes,
    sessionTtlMs: o.sessionTtlMs ?? 3000,
    restartDelayMs: o.restartDelayMs ?? 1000,
    autoRestart: o.autoRestart ?? true,
    ...(docker ? { runtime: 'docker' as const, docker } : {}),
    ...(milvusCluster ? { milvusCluster } : {}),
    ...(milvusStandalone ? { milvusStandalone } : {}),
  };
  const fd = openSync(supervisorLogFile(dataDir), 'a');
  const supervisor = spawn(process.execPath, [componentEntry(), 'supervisor', '--data-dir', dataDir, '--options', JSON.stringify(options)], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  supervisor.unref();
  // real Milvus takes seconds per stage, and longer on a busy machine
  const readyTimeoutMs = o.readyTimeoutMs ?? (o.engine === 'milvus' ? 120_000 : 30_000);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const status = await findLocalCluster(dataDir);
    if (status && status.components.every((c) => c.ready)) break;
    if (!pidAlive(supervisor.pid ?? null)) throw new TargetError(`local cluster supervisor exited during start-up: ${lastLine(supervisorLogFile(dataDir))}`);
    const failed = status?.components.find((c) => c.restarts > 0 || (!c.alive && c.pid === null && Date.now() > deadline - (readyTimeoutMs) + 3000));
    if (Date.now() > deadline || (failed && failed.restarts > 2)) {
      const notReady = status?.components.filter((c) => !c.ready) ?? [];
      const reason = notReady.map((c) => `${c.name}: ${lastLine(c.logFile)}`).join('; ');
      await downLocalCluster(dataDir);
      throw new TargetError(`local cluster did not become ready within ${readyTimeoutMs} ms (${reason || 'supervisor not ready'})`);
    }
    await sleep(POLL_MS);
  }
  return { address: `127.0.0.1:${port}`, dataDir, status: async () => {
      const status = await findLocalCluster(dataDir);
      if (!status) throw notRunning(dataDir);
      return status;
    }, down: () => downLocalCluster(dataDir) };
}

async function prepareDocker(o: LocalUpOptions, dataDir: string): Promise<DockerRuntimeOptions> {
  const docker: DockerRuntimeOptions = { project: o.project ?? DEFAULT_DOCKER_PROJECT, image: o.image ?? DEFAULT_DOCKER_IMAGE, ...(o.dockerSocket ? { socketPath: o.dockerSocket } : {}) };
  await prepareProject(await connectDocker(docker), docker.project, dataDir);
  return docker;
}

function validateUp(o: LocalUpOptions): void {
  const problems: string[] = [];
  const int = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) problems.push(`${name} must be an integer in ${min}..${max}, got ${value}`);
  };
  int('port', o.port, 0, 65535);
  int('proxies', o.proxies, 1, 16);
  int('querynodes', o.querynodes, 1, 32);
  int('sessionTtlMs', o.sessionTtlMs, 200, 600_000);
  int('restartDelayMs', o.restartDelayMs, 0, 600_000);
  if (o.runtime !== undefined && o.runtime !== 'process' && o.runtime !== 'docker') problems.push(`runtime must be process or docker, got ${String(o.runtime)}`);
  if (o.engine !== undefined && o.engine !== 'builtin' && o.engine !== 'milvus') problems.push(`engine must be builtin or milvus, got ${String(o.engine)}`);
  if (o.topology !== undefined && o.topology !== 'standalone' && o.topology !== 'cluster') problems.push(`topology must be standalone or cluster, got ${String(o.topology)}`);
  if (o.topology === 'cluster' && o.engine !== 'milvus') problems.push('topology applies to engine milvus only (the look-alike is always a cluster)');
  if (o.engine === 'milvus' && o.topology !== 'cluster' && o.runtime === 'docker') problems.push('runtime docker is not supported for the real Milvus standalone (use topology cluster, or the process runtime)');
  if (o.milvusBin !== undefined && o.engine !== 'milvus') problems.push('milvusBin applies to engine milvus only');
  if (o.project !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(o.project)) problems.push(`project must be lowercase letters, digits, - and _ (a compose project name), got "${o.project}"`);
  if (problems.length > 0) throw new UsageError(problems[0]!, problems);
}

/** Checks that `port` is free and returns it; for port 0 returns the free port the OS picked. */
async function claimPort(port: number): Promise<number> {
  const server = createServer();
  try {
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => ok()));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TargetError(code === 'EADDRINUSE' ? `port ${port} is already in use (choose another with --port, or --port 0 for a free one)` : `cannot listen on port ${port}: ${code}`);
  }
  const claimed = (server.address() as { port: number }).port;
  await new Promise((ok) => server.close(ok));
  return claimed;
}

/** The cluster recorded in `dataDir`, or null when none is running there. */
export async function findLocalCluster(dataDir: string, options: { version?: boolean } = {}): Promise<LocalClusterStatus | null> {
  const dir = resolve(dataDir);
  const record = await readJsonFile<ClusterRecord>(clusterFile(dir));
  if (!record) return null;
  const components = await Promise.all(
    record.components.map(async (c): Promise<LocalComponentStatus> => {
      const alive = pidAlive(c.pid);
      const run = alive ? await readJsonFile<RunRecord>(runFile(dir, c.name)) : null;
      const ready = alive && run?.pid === c.pid && (await probeHealth(c));
      return { name: c.name, role: c.role, pid: alive ? c.pid : null, grpcPort: c.grpcPort, metricsPort: c.metricsPort, alive, ready, restarts: c.restarts, stopped: c.stopped, logFile: c.logFile, containerId: c.containerId ?? null };
    }),
  );
  if (!pidAlive(record.supervisorPid) && !components.some((c) => c.alive)) return null;
  const runtime = record.runtime ?? 'process';
  const engine = record.engine ?? 'builtin';
  const topology = record.topology ?? 'cluster';
  const version = options.version ? { version: await serverVersion(record.address) } : {};
  return { dataDir: dir, runtime, project: record.docker?.project ?? null, address: record.address, port: record.port, supervisorPid: record.supervisorPid, description: record.description, engine, topology, ...version, components };
}

/** The running cluster's record, without health checks: looking up a pid or the control port must not wait on a
 * paused component's /healthz (a SIGCONT or `local stop` would otherwise be delayed by the check's timeout). */
async function requireCluster(dataDir: string): Promise<ClusterRecord> {
  const record = await readJsonFile<ClusterRecord>(clusterFile(resolve(dataDir)));
  if (!record || (!pidAlive(record.supervisorPid) && !record.components.some((c) => pidAlive(c.pid)))) throw notRunning(dataDir);
  return record;
}

function notRunning(dataDir: string): TargetError {
  return new TargetError(`no local cluster is running in ${resolve(dataDir)} (start one with \`milvus-bench local up\`)`);
}

function componentNamed<T extends { name: string }>(components: T[], name: string): T {
  const component = components.find((c) => c.name === name);
  if (!component) throw new UsageError(`unknown component "${name}" (known: ${components.map((c) => c.name).join(', ')})`);
  return component;
}

export async function signalComponent(dataDir: string, name: string, signal: NodeJS.Signals): Promise<void> {
  const component = componentNamed((await requireCluster(dataDir)).components, name);
  if (!pidAlive(component.pid)) throw new TargetError(`${name} is not running`);
  process.kill(component.pid!, signal);
}

async function control(dataDir: string, action: string, name: string): Promise<void> {
  const record = await requireCluster(dataDir);
  componentNamed(record.components, name);
  const response = await fetch(`http://127.0.0.1:${record.controlPort}/${action}/${encodeURIComponent(name)}`, { method: 'POST', signal: AbortSignal.timeout(15_000) }).catch((error: Error) => {
    throw new TargetError(`local cluster supervisor (pid ${record.supervisorPid}) is not reachable: ${error.message}`);
  });
  if (!response.ok) throw new TargetError(`${action} ${name} failed: ${await response.text()}`);
}

/** Stops a component and keeps it down (no automatic restart) until startComponent. */
export const stopComponent = (dataDir: string, name: string): Promise<void> => control(dataDir, 'stop', name);
export const startComponent = (dataDir: string, name: string): Promise<void> => control(dataDir, 'start', name);
export const restartComponent = (dataDir: string, name: string): Promise<void> => control(dataDir, 'restart', name);

/** Resolves with the epoch ms at which `name` was seen ready (alive and /healthz OK). */
export async function waitComponentReady(dataDir: string, name: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await findLocalCluster(dataDir);
    const component = status ? componentNamed(status.components, name) : undefined;
    if (component?.ready) return Date.now();
    if (Date.now() >= deadline) throw new TargetError(`${name} did not become ready within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Stops everything recorded in `dataDir`, also after the supervisor or any component was killed. */
export async function downLocalCluster(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  const record = await readJsonFile<ClusterRecord>(clusterFile(dir));
  if (!record) return;
  if (pidAlive(record.supervisorPid)) {
    await fetch(`http://127.0.0.1:${record.controlPort}/down/all`, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const deadline = Date.now() + 8000;
    while (pidAlive(record.supervisorPid) && Date.now() < deadline) await sleep(POLL_MS);
    if (pidAlive(record.supervisorPid)) process.kill(record.supervisorPid, 'SIGKILL');
  }
  const pids = new Set<number>();
  for (const c of record.components) {
    if (c.pid) pids.add(c.pid);
    const run = await readJsonFile<RunRecord>(runFile(dir, c.name));
    if (run?.pid) pids.add(run.pid);
  }
  for (const pid of pids) if (pidAlive(pid) && isOurs(pid, dir)) process.kill(pid, 'SIGKILL');
  await Promise.all(record.components.map((c) => removeMilvusRuntimeFiles(c, c.pid ? [c.pid] : [])));
  if (record.docker) await removeClusterContainers(record.docker, dir);
  await rm(clusterFile(dir), { force: true });
  await rm(join(dir, 'run'), { recursive: true, force: true });
}

/** Containers outlive a killed supervisor: remove every one labelled with this project and data dir. */
async function removeClusterContainers(o: DockerRuntimeOptions, dataDir: string): Promise<void> {
  const docker = dockerClient(o.socketPath);
  try {
    await removeContainers(docker, await listClusterContainers(docker, o.project, dataDir));
  } catch (error) {
    throw new TargetError(`cannot remove the containers of compose project ${o.project}: ${(error as Error).message}`);
  }
}

/** Guards against a recycled pid: the process's command line must name this data dir. */
function isOurs(pid: number, dataDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
  } catch {
    return process.platform !== 'linux';
  }
}

function lastLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
  } catch {
    return 'no log';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
