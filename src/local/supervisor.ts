// Supervisor process: launches every component as its own OS process or container (docker runtime), restarts
// one that dies after a delay (like `restart: unless-stopped`; a container killed through docker is restarted
// here, since Docker's own policy treats a kill as a manual stop), records pids/ports in <dataDir>/cluster.json
// and takes stop/start/down requests on a control HTTP port on 127.0.0.1.
import { appendFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { log } from './component-log.js';
import type { DockerRuntimeOptions } from './docker-runtime.js';
import { clusterFile, componentCommand, LOCAL_CLUSTER_DESCRIPTION, logFile, runFile, writeJsonFile, type ClusterRecord, type ComponentRecord, type ComponentRole, type RunRecord } from './layout.js';
import { ContainerLauncher, processLauncher, type Exit, type Launched, type Launcher } from './launchers.js';
import { probeHealth } from './milvus/cluster-health.js';
import type { UnpackedMilvus } from './milvus/binary.js';
import { describeMilvusStandalone, planMilvusStandalone } from './milvus/standalone.js';
import { describeMilvusCluster, planMilvusCluster, removeMilvusRuntimeFiles, type MilvusClusterTools } from './milvus/cluster-plan.js';

export interface SupervisorOptions {
  port: number;
  proxies: number;
  querynodes: number;
  sessionTtlMs: number;
  restartDelayMs: number;
  autoRestart: boolean;
  runtime?: 'process' | 'docker';
  docker?: DockerRuntimeOptions;
  /** Real Milvus cluster (engine milvus, topology cluster): the executables the parent found and prepared. */
  milvusCluster?: MilvusClusterTools;
  /** Real Milvus standalone (engine milvus, topology standalone): the unpacked binary the parent prepared. */
  milvusStandalone?: UnpackedMilvus;
}

/** How long a start-up stage may take before the next one is started anyway (then `up` reports who is not ready). */
const STAGE_READY_TIMEOUT_MS = 90_000;

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

class Supervisor {
  private readonly children = new Map<string, Launched>();
  private readonly launching = new Map<string, Promise<void>>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly containers: Launcher | null;
  private shuttingDown = false;
  record!: ClusterRecord;

  constructor(private readonly dataDir: string, private readonly options: SupervisorOptions) {
    this.containers = options.runtime === 'docker' && options.docker ? new ContainerLauncher(options.docker, dataDir) : null;
  }

  /** The balancer stays a process: it is the host-side entry point clients connect to. */
  private launcherFor(component: ComponentRecord): Launcher {
    return this.containers && component.role !== 'balancer' ? this.containers : processLauncher;
  }

  async plan(controlPort: number): Promise<void> {
    if (this.options.milvusCluster) return this.planMilvusCluster(controlPort, this.options.milvusCluster);
    if (this.options.milvusStandalone) return this.planMilvusStandalone(controlPort, this.options.milvusStandalone);
    const coordinatorPort = await freePort();
    const coordinator = `127.0.0.1:${coordinatorPort}`;
    const components: ComponentRecord[] = [];
    const add = async (role: ComponentRole, name: string, grpcPort: number, port?: number): Promise<void> => {
      const metricsPort = await freePort();
      const argv = componentCommand(role, name, { dataDir: this.dataDir, coordinator, grpcPort, metricsPort, sessionTtlMs: this.options.sessionTtlMs, ...(port !== undefined ? { port } : {}) });
      components.push({ name, role, pid: null, grpcPort, metricsPort, restarts: 0, stopped: false, logFile: logFile(this.dataDir, name), argv });
    };
    await add('coordinator', 'coordinator', coordinatorPort);
    for (let i = 1; i <= this.options.querynodes; i++) await add('querynode', `querynode-${i}`, await freePort());
    for (let i = 1; i <= this.options.proxies; i++) await add('proxy', `proxy-${i}`, await freePort());
    await add('balancer', 'balancer', this.options.port, this.options.port);
    this.record = { supervisorPid: process.pid, controlPort, port: this.options.port, address: `127.0.0.1:${this.options.port}`, description: LOCAL_CLUSTER_DESCRIPTION, dataDir: this.dataDir, startedAt: Date.now(), components };
    if (this.containers) Object.assign(this.record, { runtime: 'docker', docker: this.options.docker });
  }

  private async planMilvusCluster(controlPort: number, tools: MilvusClusterTools): Promise<void> {
    const components = await planMilvusCluster(this.dataDir, this.options, tools);
    const description = describeMilvusCluster(tools.binary.version, this.options);
    this.record = { supervisorPid: process.pid, controlPort, port: this.options.port, address: `127.0.0.1:${this.options.port}`, description, dataDir: this.dataDir, startedAt: Date.now(), engine: 'milvus', topology: 'cluster', components };
    if (this.containers) Object.assign(this.record, { runtime: 'docker', docker: this.options.docker });
  }

  private async planMilvusStandalone(controlPort: number, binary: UnpackedMilvus): Promise<void> {
    const components = await planMilvusStandalone(this.dataDir, this.options.port, binary, this.options.sessionTtlMs);
    const description = describeMilvusStandalone(binary.version);
    this.record = { supervisorPid: process.pid, controlPort, port: this.options.port, address: `127.0.0.1:${this.options.port}`, description, dataDir: this.dataDir, startedAt: Date.now(), engine: 'milvus', topology: 'standalone', components };
  }

  /** Starts stage by stage (etcd and Kafka before the coordinators before the nodes); a stage with no stage set is 0. */
  async launchAll(): Promise<void> {
    const stages = [...new Set(this.record.components.map((c) => c.stage ?? 0))].sort((a, b) => a - b);
    for (const stage of stages) {
      const members = this.record.components.filter((c) => (c.stage ?? 0) === stage);
      await Promise.all(members.map((c) => this.launch(c.name)));
      if (stage === stages.at(-1)) break;
      const deadline = Date.now() + STAGE_READY_TIMEOUT_MS;
      while (!this.shuttingDown && Date.now() < deadline && !(await Promise.all(members.map((c) => probeHealth(c)))).every(Boolean)) await new Promise((r) => setTimeout(r, 100));
      log(`stage ${stage} (${members.map((c) => c.name).join(', ')}) ${Date.now() < deadline ? 'ready' : 'not ready in time; going on'}`);
    }
  }

  async save(): Promise<void> {
    if (!this.shuttingDown) await writeJsonFile(clusterFile(this.dataDir), this.record);
  }

  private component(name: string): ComponentRecord {
    const component = this.record.components.find((c) => c.name === name);
    if (!component) throw new Error(`no component named "${name}" (known: ${this.record.components.map((c) => c.name).join(', ')})`);
    return component;
  }

  /** Starts `name` unless it runs or is starting; a failed launch counts as an exit (and is retried likewise). */
  launch(name: string): Promise<void> {
    const component = this.component(name);
    if (this.children.has(name) || this.shuttingDown) return Promise.resolve();
    const pending = this.launching.get(name);
    if (pending) return pending;
    component.stopped = false;
    const work = this.launcherFor(component)
      .launch(component)
      .then(
        (launched) => {
          component.pid = launched.pid;
          if (launched.containerId) component.containerId = launched.containerId;
          this.children.set(name, launched);
          // etcd, Kafka and Milvus write no run file of their own; the balancer and `status` need one
          if (component.health && launched.pid) {
            const record: RunRecord = { name, role: component.role, pid: launched.pid, grpcPort: component.grpcPort, metricsPort: component.metricsPort, readyAt: Date.now() };
            void writeJsonFile(runFile(this.dataDir, name), record);
          }
          log(`started ${name} pid ${launched.pid}${launched.containerId ? ` container ${launched.containerId.slice(0, 12)}` : ''}`);
          void launched.exited.then((exit) => this.onExit(component, launched, exit));
          void this.save();
        },
        (error: Error) => {
          log(`cannot start ${name}: ${error.message}`);
          this.note(component, `cannot start: ${error.message}`);
          this.scheduleRestart(component);
        },
      )
      .finally(() => this.launching.delete(name));
    this.launching.set(name, work);
    return work;
  }

  private onExit(component: ComponentRecord, launched: Launched, exit: Exit): void {
    if (this.children.get(component.name) !== launched) return;
    this.children.delete(component.name);
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    log(`${component.name} (pid ${launched.pid}) ${how}`);
    this.note(component, `${component.name} (pid ${launched.pid}) ${how}`);
    if (launched.pid) void removeMilvusRuntimeFiles(component, [launched.pid]);
    component.pid = null;
    void this.save();
    this.scheduleRestart(component);
  }

  private note(component: ComponentRecord, line: string): void {
    try {
      appendFileSync(component.logFile, `${new Date().toISOString()} supervisor: ${line}\n`);
    } catch {
      // the log dir may be gone during down
    }
  }

  private scheduleRestart(component: ComponentRecord): void {
    if (this.shuttingDown || component.stopped || !this.options.autoRestart) return;
    clearTimeout(this.restartTimers.get(component.name));
    this.restartTimers.set(
      component.name,
      setTimeout(() => {
        this.restartTimers.delete(component.name);
        if (component.stopped || this.shuttingDown) return;
        component.restarts++;
        void this.launch(component.name);
      }, this.options.restartDelayMs),
    );
  }

  async stop(name: string): Promise<void> {
    const component = this.component(name);
    component.stopped = true;
    clearTimeout(this.restartTimers.get(name));
    await this.launching.get(name);
    const child = this.children.get(name);
    if (child) await child.terminate();
    await this.save();
  }

  async start(name: string): Promise<void> {
    clearTimeout(this.restartTimers.get(name));
    await this.launch(name);
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    this.component(name).restarts++;
    await this.start(name);
  }

  async down(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    await Promise.allSettled(this.launching.values());
    await Promise.all([...this.children.values()].map((child) => child.terminate().catch(() => undefined)));
    await this.containers?.cleanUp().catch((error: Error) => log(`cannot remove containers: ${error.message}`));
    await rm(clusterFile(this.dataDir), { force: true });
    await rm(join(this.dataDir, 'run'), { recursive: true, force: true });
    log('cluster down');
  }
}

export async function runSupervisor(dataDir: string, options: SupervisorOptions): Promise<void> {
  const supervisor = new Supervisor(dataDir, options);
  const control = createServer((req, res) => {
    const [, action, name] = (req.url ?? '').split('/');
    const reply = (status: number, message: string): void => void res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
    const work = async (): Promise<void> => {
      if (action === 'stop') await supervisor.stop(decodeURIComponent(name!));
      else if (action === 'start') await supervisor.start(decodeURIComponent(name!));
      else if (action === 'restart') await supervisor.restart(decodeURIComponent(name!));
      else if (action === 'down') {
        reply(200, 'ok');
        await supervisor.down();
        process.exit(0);
      } else throw new Error(`unknown control action "${action}"`);
    };
    work().then(
      () => res.headersSent || reply(200, 'ok'),
      (error: Error) => res.headersSent || reply(400, error.message),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', () => resolve()));
  await supervisor.plan((control.address() as { port: number }).port);
  await supervisor.save();
  log(`supervisor pid ${process.pid}: ${supervisor.record.components.length} components, balancer on ${supervisor.record.address}`);
  void supervisor.launchAll();
  const shutdown = (): void => void supervisor.down().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.once('SIGHUP', shutdown);
}
