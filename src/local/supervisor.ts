// Supervisor process: launches every component as its own OS process, restarts one that dies after a delay
// (like `restart: unless-stopped`), records pids/ports in <dataDir>/cluster.json and takes stop/start/down
// requests on a control HTTP port on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { log } from './component-log.js';
import { clusterFile, componentCommand, LOCAL_CLUSTER_DESCRIPTION, logFile, pidAlive, writeJsonFile, type ClusterRecord, type ComponentRecord, type ComponentRole } from './layout.js';

export interface SupervisorOptions {
  port: number;
  proxies: number;
  querynodes: number;
  sessionTtlMs: number;
  restartDelayMs: number;
  autoRestart: boolean;
}

const STOP_GRACE_MS = 3000;

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private shuttingDown = false;
  record!: ClusterRecord;

  constructor(private readonly dataDir: string, private readonly options: SupervisorOptions) {}

  async plan(controlPort: number): Promise<void> {
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
  }

  async save(): Promise<void> {
    if (!this.shuttingDown) await writeJsonFile(clusterFile(this.dataDir), this.record);
  }

  private component(name: string): ComponentRecord {
    const component = this.record.components.find((c) => c.name === name);
    if (!component) throw new Error(`no component named "${name}" (known: ${this.record.components.map((c) => c.name).join(', ')})`);
    return component;
  }

  launch(name: string): void {
    const component = this.component(name);
    if (this.children.has(name) || this.shuttingDown) return;
    mkdirSync(join(this.dataDir, 'logs'), { recursive: true });
    const fd = openSync(component.logFile, 'a');
    const child = spawn(component.argv[0]!, component.argv.slice(1), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    component.pid = child.pid ?? null;
    component.stopped = false;
    this.children.set(name, child);
    log(`started ${name} pid ${child.pid}`);
    child.on('exit', (code, signal) => this.onExit(component, child, code, signal));
    void this.save();
  }

  private onExit(component: ComponentRecord, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.children.get(component.name) !== child) return;
    this.children.delete(component.name);
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    log(`${component.name} (pid ${child.pid}) ${how}`);
    try {
      appendFileSync(component.logFile, `${new Date().toISOString()} supervisor: ${component.name} (pid ${child.pid}) ${how}\n`);
    } catch {
      // the log dir may be gone during down
    }
    component.pid = null;
    void this.save();
    if (this.shuttingDown || component.stopped || !this.options.autoRestart) return;
    this.restartTimers.set(
      component.name,
      setTimeout(() => {
        this.restartTimers.delete(component.name);
        if (component.stopped || this.shuttingDown) return;
        component.restarts++;
        this.launch(component.name);
      }, this.options.restartDelayMs),
    );
  }

  async stop(name: string): Promise<void> {
    const component = this.component(name);
    component.stopped = true;
    clearTimeout(this.restartTimers.get(name));
    const child = this.children.get(name);
    if (child) await terminate(child);
    await this.save();
  }

  start(name: string): void {
    const component = this.component(name);
    component.stopped = false;
    clearTimeout(this.restartTimers.get(name));
    this.launch(name);
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    this.component(name).restarts++;
    this.start(name);
  }

  async down(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    await Promise.all([...this.children.values()].map((child) => terminate(child)));
    await rm(clusterFile(this.dataDir), { force: true });
    await rm(join(this.dataDir, 'run'), { recursive: true, force: true });
    log('cluster down');
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => pidAlive(child.pid ?? null) && child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export async function runSupervisor(dataDir: string, options: SupervisorOptions): Promise<void> {
  const supervisor = new Supervisor(dataDir, options);
  const control = createServer((req, res) => {
    const [, action, name] = (req.url ?? '').split('/');
    const reply = (status: number, message: string): void => void res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
    const work = async (): Promise<void> => {
      if (action === 'stop') await supervisor.stop(decodeURIComponent(name!));
      else if (action === 'start') supervisor.start(decodeURIComponent(name!));
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
  for (const component of supervisor.record.components) supervisor.launch(component.name);
  const shutdown = (): void => void supervisor.down().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.once('SIGHUP', shutdown);
}
