// The docker runtime of the local cluster: each component runs in a container started through the Engine API,
// with host networking (traffic stays on 127.0.0.1), the host's pid namespace (so pids in cluster.json and the
// components' run files are host pids), and read-only binds of the host's node and the project. Containers carry
// Compose labels so the docker fault backend finds them like a docker-compose deployment.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Docker from 'dockerode';
import { TargetError } from '../errors.js';
import { componentEntry } from './layout.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';
export const DEFAULT_DOCKER_PROJECT = 'milvus-bench-local';
export const DEFAULT_DOCKER_IMAGE = 'milvus-bench-busybox:test';
export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
/** Ties a container to the data dir of the cluster that created it (a project name alone may be reused). */
export const DATA_DIR_LABEL = 'io.milvus-bench.local.data-dir';

export interface DockerRuntimeOptions {
  project: string;
  image: string;
  socketPath?: string;
}

const HOST_READ_ONLY = ['/usr', '/lib', '/lib64', '/lib32', '/etc/ssl'];

export function dockerClient(socketPath?: string): Docker {
  return new Docker({ socketPath: socketPath ?? DOCKER_SOCKET });
}

/** Pings the engine and checks the image; one-line TargetErrors otherwise. */
export async function connectDocker(o: DockerRuntimeOptions): Promise<Docker> {
  const docker = dockerClient(o.socketPath);
  const where = o.socketPath ?? DOCKER_SOCKET;
  try {
    await docker.ping();
  } catch (error) {
    throw new TargetError(`cannot reach the Docker Engine at ${where}: ${errorText(error)}`);
  }
  try {
    await docker.getImage(o.image).inspect();
  } catch {
    throw new TargetError(`image ${o.image} is not in the Docker Engine at ${where} (scripts/docker-test-env.sh imports milvus-bench-busybox:test; or pass --image)`);
  }
  return docker;
}

/** The folder holding dist/ and node_modules/, bound read-only so `node dist/local/main.js` runs in the container. */
export function projectRoot(): string {
  return dirname(dirname(dirname(componentEntry())));
}

export const containerName = (project: string, component: string): string => `${project}-${component}`;

const serviceOf = (name: string): string => name.replace(/-\d+$/, '');

const shellQuote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

/** Real Milvus roles, etcd and Kafka: their environment, working dir and the host paths they read. */
export interface ContainerExtras {
  env?: Record<string, string>;
  cwd?: string;
  binds?: string[];
}

export function containerSpec(o: DockerRuntimeOptions, dataDir: string, name: string, argv: string[], logFile: string, extras: ContainerExtras = {}): Docker.ContainerCreateOptions {
  const hostPaths = HOST_READ_ONLY.filter((p) => existsSync(p));
  // sh execs node, so the container's init process is node itself and its output lands in the usual log file
  const command = `exec ${argv.map(shellQuote).join(' ')} >>${shellQuote(logFile)} 2>&1`;
  return {
    name: containerName(o.project, name),
    Image: o.image,
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: [command],
    Labels: { [PROJECT_LABEL]: o.project, [SERVICE_LABEL]: serviceOf(name), [DATA_DIR_LABEL]: dataDir },
    ...(extras.env ? { Env: Object.entries(extras.env).map(([k, v]) => `${k}=${v}`) } : {}),
    ...(extras.cwd ? { WorkingDir: extras.cwd } : {}),
    HostConfig: {
      NetworkMode: 'host',
      PidMode: 'host',
      Binds: [...hostPaths.map((p) => `${p}:${p}:ro`), ...(extras.binds ?? []).map((p) => `${p}:${p}:ro`), `${projectRoot()}:${projectRoot()}:ro`, `${dataDir}:${dataDir}:rw`],
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** Containers of `project`; with `dataDir`, only those created for that data dir. */
export async function listClusterContainers(docker: Docker, project: string, dataDir?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`${PROJECT_LABEL}=${project}`, ...(dataDir ? [`${DATA_DIR_LABEL}=${dataDir}`] : [])];
  return docker.listContainers({ all: true, filters: { label } });
}

/** Refuses to share a project with another live cluster; removes leftovers of an earlier run in this data dir. */
export async function prepareProject(docker: Docker, project: string, dataDir: string): Promise<void> {
  const containers = await listClusterContainers(docker, project);
  const foreign = containers.find((c) => c.Labels[DATA_DIR_LABEL] !== dataDir && c.State === 'running');
  if (foreign) {
    throw new TargetError(`compose project ${project} already runs container ${foreign.Names[0]?.slice(1)} for data dir ${foreign.Labels[DATA_DIR_LABEL] ?? '(unknown)'}; stop that cluster or choose another --project`);
  }
  await removeContainers(docker, containers);
}

export async function removeContainers(docker: Docker, containers: Docker.ContainerInfo[]): Promise<void> {
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(ignoreGone)));
}

export function ignoreGone(error: unknown): void {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 404 && status !== 409 && status !== 304) throw error;
}

/** Exit of a container: 128+n exit codes are reported as the signal n, like a child process. */
export function exitOf(statusCode: number): { code: number | null; signal: NodeJS.Signals | null } {
  const signals: Record<number, NodeJS.Signals> = { 137: 'SIGKILL', 143: 'SIGTERM', 130: 'SIGINT', 129: 'SIGHUP' };
  return signals[statusCode] ? { code: null, signal: signals[statusCode]! } : { code: statusCode, signal: null };
}

export function errorText(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ?? e.message ?? String(error);
}
