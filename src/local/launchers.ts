// How the supervisor runs one component: as a child process, or as a container (docker runtime). Either way it
// gets a pid (host pid), an exit promise to restart on, and a graceful terminate.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import { containerSpec, dockerClient, exitOf, ignoreGone, listClusterContainers, removeContainers, type DockerRuntimeOptions } from './docker-runtime.js';
import { pidAlive, type ComponentRecord } from './layout.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Launched {
  pid: number | null;
  containerId: string | null;
  exited: Promise<Exit>;
  terminate(): Promise<void>;
}

export interface Launcher {
  launch(component: ComponentRecord): Promise<Launched>;
  /** Removes whatever outlives the components (containers); processes are gone once terminated. */
  cleanUp(): Promise<void>;
}

const STOP_GRACE_MS = 3000;

export const processLauncher: Launcher = {
  async launch(component) {
    mkdirSync(dirname(component.logFile), { recursive: true });
    const fd = openSync(component.logFile, 'a');
    const child = spawn(component.argv[0]!, component.argv.slice(1), { stdio: ['ignore', fd, fd], ...(component.env ? { env: component.env } : {}), ...(component.cwd ? { cwd: component.cwd } : {}) });
    closeSync(fd);
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const terminate = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => pidAlive(child.pid ?? null) && child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    };
    return { pid: child.pid ?? null, containerId: null, exited, terminate };
  },
  cleanUp: async () => undefined,
};

/** One container per component, created on first launch and started again (same id and name) on every restart. */
export class ContainerLauncher implements Launcher {
  private readonly docker: Docker;

  constructor(
    private readonly options: DockerRuntimeOptions,
    private readonly dataDir: string,
  ) {
    this.docker = dockerClient(options.socketPath);
  }

  async launch(component: ComponentRecord): Promise<Launched> {
    mkdirSync(dirname(component.logFile), { recursive: true });
    const container = await this.containerFor(component);
    // 304: already running, e.g. a fault backend started it again before the restart delay ran out
    await container.start().catch(ignoreGone);
    const info = await container.inspect();
    const exited = (container.wait({ condition: 'not-running' }) as Promise<{ StatusCode: number }>).then(
      (r) => exitOf(r.StatusCode),
      (): Exit => ({ code: null, signal: null }),
    );
    const terminate = async (): Promise<void> => {
      await container.stop({ t: STOP_GRACE_MS / 1000 }).catch(ignoreGone);
      await exited;
    };
    return { pid: info.State.Pid || null, containerId: info.Id, exited, terminate };
  }

  private async containerFor(component: ComponentRecord): Promise<Docker.Container> {
    if (component.containerId) {
      const existing = this.docker.getContainer(component.containerId);
      const found = await existing.inspect().then(
        () => true,
        () => false,
      );
      if (found) return existing;
    }
    return this.docker.createContainer(containerSpec(this.options, this.dataDir, component.name, component.argv, component.logFile, component));
  }

  async cleanUp(): Promise<void> {
    await removeContainers(this.docker, await listClusterContainers(this.docker, this.options.project, this.dataDir));
  }
}
