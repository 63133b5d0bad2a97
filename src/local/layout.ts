// Where a local cluster keeps its state under its data dir, and how a component is launched (argv).
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ComponentRole = 'coordinator' | 'proxy' | 'querynode' | 'balancer' | 'datanode' | 'indexnode' | 'etcd' | 'kafka' | 'standalone';

/** How `status` and the supervisor tell a component is ready: GET a path (200) or a TCP connect. */
export type HealthCheck = { http: string; port: number } | { tcp: number };

export const LOCAL_CLUSTER_DESCRIPTION = 'Local Milvus-compatible test cluster (Milvus-protocol-compatible test cluster, not Milvus)';

export const clusterFile = (dataDir: string): string => join(dataDir, 'cluster.json');
export const storageDir = (dataDir: string): string => join(dataDir, 'data');
export const runFile = (dataDir: string, name: string): string => join(dataDir, 'run', `${name}.json`);
export const logFile = (dataDir: string, name: string): string => join(dataDir, 'logs', `${name}.log`);
export const coordinatorStateFile = (dataDir: string): string => join(dataDir, 'coordinator.json');
export const supervisorLogFile = (dataDir: string): string => join(dataDir, 'logs', 'supervisor.log');

/** Everything one component needs to start on its own (also outside the supervisor, e.g. in a container). */
export interface ComponentOptions {
  dataDir: string;
  coordinator: string;
  grpcPort: number;
  metricsPort: number;
  sessionTtlMs: number;
  /** Balancer only: the public port. */
  port?: number;
}

/** What a component writes once it serves (read by the supervisor, the balancer and `local status`). */
export interface RunRecord {
  name: string;
  role: ComponentRole;
  pid: number;
  grpcPort: number | null;
  metricsPort: number;
  readyAt: number;
}

/** Persisted by the supervisor; `local status|down|kill|…` read it from any later shell. */
export interface ClusterRecord {
  supervisorPid: number;
  controlPort: number;
  port: number;
  address: string;
  description: string;
  dataDir: string;
  startedAt: number;
  /** Set when the cluster failed to start; the one-line reason. */
  error?: string;
  /** 'docker': components other than the balancer run as containers of this compose project (absent = process). */
  runtime?: 'process' | 'docker';
  docker?: { project: string; image: string; socketPath?: string };
  /** 'milvus': real Milvus processes (absent = the look-alike); 'cluster': etcd, Kafka and one process per role */
  engine?: 'builtin' | 'milvus';
  topology?: 'standalone' | 'cluster';
  components: ComponentRecord[];
}

export interface ComponentRecord {
  name: string;
  role: ComponentRole;
  pid: number | null;
  grpcPort: number | null;
  metricsPort: number;
  restarts: number;
  stopped: boolean;
  logFile: string;
  argv: string[];
  /** docker runtime: the component's container (kept across restarts; removed by down) */
  containerId?: string | null;
  /** Real Milvus cluster: processes that are not ours get their environment, working dir and readiness check here,
   * and the supervisor writes their run files (absent: a look-alike component, /healthz on its metrics port). */
  env?: Record<string, string>;
  cwd?: string;
  health?: HealthCheck;
  /** docker runtime: host paths outside the default binds that the component reads (bound read-only) */
  binds?: string[];
  /** Launched after every component of a lower stage is ready (default 0). */
  stage?: number;
}

export function componentEntry(): string {
  return fileURLToPath(new URL('./main.js', import.meta.url));
}

/** argv (node + entry + flags) that launches one component; the coordinator address and data dir are arguments. */
export function componentCommand(role: ComponentRole, name: string, options: ComponentOptions): string[] {
  const argv = [process.execPath, componentEntry(), role, '--name', name, '--data-dir', options.dataDir, '--coordinator', options.coordinator];
  argv.push('--grpc-port', String(options.grpcPort), '--metrics-port', String(options.metricsPort), '--session-ttl', String(options.sessionTtlMs));
  if (options.port !== undefined) argv.push('--port', String(options.port));
  return argv;
}

let tmpCounter = 0;
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${++tmpCounter}`;
  await writeFile(tmp, JSON.stringify(value, null, 2));
  await rename(tmp, path);
}

export async function readJsonFile<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function readJsonFileSync<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function pidAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
