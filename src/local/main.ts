// Entry of every local-cluster process: `node dist/local/main.js <role> --name … --data-dir … --coordinator …`.
// Each component is its own OS process; `supervisor` runs the supervisor (see supervisor.ts).
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Balancer } from './balancer.js';
import { log } from './component-log.js';
import { Coordinator } from './coordinator.js';
import { runFile, writeJsonFile, type ComponentOptions, type ComponentRole, type RunRecord } from './layout.js';
import { ComponentMetrics, serveObservability } from './observability.js';
import { startProxy } from './proxy.js';
import { QueryNode } from './querynode.js';
import { runSupervisor } from './supervisor.js';

process.on('uncaughtException', (error) => {
  log(`crash: ${error.stack ?? error.message}`);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  log(`crash (unhandled rejection): ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});

async function startComponent(role: ComponentRole, name: string, options: ComponentOptions): Promise<void> {
  const metrics = new ComponentMetrics(name, role);
  let ready = (): boolean => true;
  let grpcPort: number | null = null;
  if (role === 'coordinator') {
    grpcPort = (await Coordinator.start(options, metrics)).grpcPort;
  } else if (role === 'querynode') {
    const started = await QueryNode.start(name, options, metrics);
    grpcPort = started.grpcPort;
    ready = () => started.node.registered;
  } else if (role === 'proxy') {
    grpcPort = (await startProxy(options, metrics)).grpcPort;
  } else {
    const balancer = new Balancer(options.dataDir);
    await balancer.start(options.port!);
    grpcPort = options.port!;
    ready = () => balancer.healthyCount() > 0;
  }
  const { port: metricsPort } = await serveObservability(metrics, options.metricsPort, ready);
  const record: RunRecord = { name, role, pid: process.pid, grpcPort, metricsPort, readyAt: Date.now() };
  await writeJsonFile(runFile(options.dataDir, name), record);
  log(`${name} (${role}) serving: grpc 127.0.0.1:${grpcPort}, metrics http://127.0.0.1:${metricsPort}/metrics, pid ${process.pid}`);
  const stop = (signal: string): void => {
    log(`${name} stopping on ${signal}`);
    void rm(runFile(options.dataDir, name), { force: true }).finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [role, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'data-dir': { type: 'string' },
      coordinator: { type: 'string', default: '127.0.0.1:19531' },
      'grpc-port': { type: 'string', default: '0' },
      'metrics-port': { type: 'string', default: '0' },
      'session-ttl': { type: 'string', default: '3000' },
      port: { type: 'string' },
      options: { type: 'string' },
    },
  });
  if (!values['data-dir']) throw new Error('--data-dir is required');
  if (role === 'supervisor') return runSupervisor(values['data-dir'], JSON.parse(values.options ?? '{}'));
  if (role !== 'coordinator' && role !== 'proxy' && role !== 'querynode' && role !== 'balancer') {
    throw new Error(`unknown role "${role}" (allowed: coordinator, proxy, querynode, balancer, supervisor)`);
  }
  const options: ComponentOptions = {
    dataDir: values['data-dir'],
    coordinator: values.coordinator!,
    grpcPort: Number(values['grpc-port']),
    metricsPort: Number(values['metrics-port']),
    sessionTtlMs: Number(values['session-ttl']),
    ...(values.port ? { port: Number(values.port) } : {}),
  };
  await startComponent(role, values.name ?? role, options);
}

main(process.argv.slice(2)).catch((error: Error) => {
  log(`failed to start: ${error.message}`);
  process.exit(1);
});
