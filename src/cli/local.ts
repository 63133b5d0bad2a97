// `milvus-bench local up|status|down|kill|stop|start|restart`: thin shells over src/local (the local
// Milvus-compatible test cluster — not Milvus). The cluster is found again from its data dir in any later shell.
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';

interface CommonFlags {
  'data-dir': string;
}

const DEFAULT_DATA_DIR = '.milvus-bench/local';
const withDataDir = <T>(y: Argv<T>): Argv<T & CommonFlags> =>
  y.option('data-dir', { type: 'string', default: DEFAULT_DATA_DIR, describe: 'cluster state (pids, ports, data, logs)' }) as Argv<T & CommonFlags>;

interface UpFlags extends CommonFlags {
  port?: number;
  proxies?: number;
  querynodes?: number;
  'session-ttl'?: number;
  'restart-delay'?: number;
  restart?: boolean;
  detach: boolean;
  config?: string;
  'ready-timeout': number;
  runtime?: string;
  image?: string;
  project?: string;
  engine?: string;
  topology?: string;
  'milvus-bin'?: string;
}

const local = () => import('../target/local-cluster.js');

const upCommand: CommandModule<object, UpFlags> = {
  command: 'up',
  describe: 'start coordinator, proxies, querynodes and the TCP balancer as separate processes (or containers: --runtime docker)',
  builder: (y) =>
    withDataDir(y)
      .option('port', { type: 'number', describe: 'balancer port clients connect to (default 19530; 0: a free port, printed on ready)' })
      .option('proxies', { type: 'number', describe: 'number of proxies (default 2)' })
      .option('querynodes', { type: 'number', describe: 'number of querynodes (default 2)' })
      .option('session-ttl', { type: 'number', describe: 'ms without heartbeat before a querynode is declared dead (default 3000)' })
      .option('restart-delay', { type: 'number', describe: 'ms before the supervisor restarts a dead component (default 1000)' })
      .option('restart', { type: 'boolean', describe: 'restart dead components (--no-restart to disable)' })
      .option('detach', { type: 'boolean', default: false, describe: 'return once the cluster is ready, leaving it running' })
      .option('config', { type: 'string', describe: 'JSON config (default <data-dir>/local.config.json when present); flags win' })
      .option('ready-timeout', { type: 'number', default: 60_000, describe: 'ms to wait for every component to be ready' })
      .option('runtime', { type: 'string', describe: 'process (default) or docker: coordinator, querynodes and proxies as containers (host network)' })
      .option('image', { type: 'string', describe: 'docker runtime: image with /bin/sh; the host node and project are bound in (default milvus-bench-busybox:test)' })
      .option('project', { type: 'string', describe: 'docker runtime: com.docker.compose.project label of the containers (default milvus-bench-local)' })
      .option('engine', { type: 'string', describe: 'builtin (default: the look-alike, not Milvus) or milvus (the real Milvus binary from `pip install milvus`)' })
      .option('topology', { type: 'string', describe: 'engine milvus: standalone (default) or cluster (etcd, Kafka, mixcoord, datanode, indexnode, querynodes, proxies, balancer)' })
      .option('milvus-bin', { type: 'string', describe: 'engine milvus: the milvus-server script of `pip install milvus` (default: the one on PATH)' }) as never,
  handler: async (f) => {
    await checkUpFlags(f);
    const { startLocalCluster, findLocalCluster, loadLocalConfig, LOCAL_CLUSTER_DESCRIPTION } = await local();
    const config = loadLocalConfig(f['data-dir'], f.config);
    const runtime = f.runtime ?? config.runtime ?? 'process';
    if (runtime !== 'process' && runtime !== 'docker') throw new UsageError(`--runtime: "${runtime}" is not allowed (allowed: process, docker)`);
    if (runtime === 'process' && (f.image ?? f.project) !== undefined) {
      throw new UsageError(`--${f.image !== undefined ? 'image' : 'project'}: is set without --runtime docker (allowed: --image and --project with --runtime docker only)`);
    }
    const engine = f.engine ?? 'builtin';
    if (engine !== 'builtin' && engine !== 'milvus') throw new UsageError(`--engine: "${engine}" is not allowed (allowed: builtin, milvus)`);
    const topology = f.topology ?? 'standalone';
    if (topology !== 'standalone' && topology !== 'cluster') throw new UsageError(`--topology: "${topology}" is not allowed (allowed: standalone, cluster)`);
    if (f.topology !== undefined && engine !== 'milvus') throw new UsageError('--topology: is set without --engine milvus (allowed: --topology with --engine milvus only; the builtin look-alike is always a cluster)');
    if (f['milvus-bin'] !== undefined && engine !== 'milvus') throw new UsageError('--milvus-bin: is set without --engine milvus (allowed: --milvus-bin with --engine milvus only)');
    const startedAt = Date.now();
    const cluster = await startLocalCluster({
      dataDir: f['data-dir'],
      port: f.port ?? config.port ?? 19530,
      proxies: f.proxies ?? config.proxies ?? 2,
      querynodes: f.querynodes ?? config.querynodes ?? 2,
      sessionTtlMs: f['session-ttl'] ?? config.sessionTtlMs ?? 3000,
      restartDelayMs: f['restart-delay'] ?? config.restartDelayMs ?? 1000,
      autoRestart: f.restart ?? config.autoRestart ?? true,
      detach: f.detach,
      readyTimeoutMs: f['ready-timeout'],
      runtime,
      ...(runtime === 'docker' ? { image: f.image ?? config.image, project: f.project ?? config.project } : {}),
      ...(engine === 'milvus' ? { engine, topology } : {}),
      ...(f['milvus-bin'] !== undefined ? { milvusBin: f['milvus-bin'] } : {}),
    });
    const running = engine === 'milvus' ? await findLocalCluster(cluster.dataDir, { version: true }) : null;
    const description = engine === 'milvus' ? `${running?.description ?? 'Real Milvus'}${running?.version ? `, server version ${running.version}` : ''}` : LOCAL_CLUSTER_DESCRIPTION;
    process.stdout.write(`${description}\nready at ${cluster.address} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (data dir ${cluster.dataDir})\n`);
    if (f.detach) return;
    process.stdout.write('press Ctrl-C to stop every component\n');
    await new Promise<void>((resolve) => {
      // The timer keeps this process alive in the foreground and notices a cluster stopped from another shell.
      const watch = setInterval(() => void findLocalCluster(cluster.dataDir).then((status) => status ?? stop()), 1000);
      const stop = (): void => {
        clearInterval(watch);
        void cluster.down().finally(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

/** The same ranges the local cluster enforces when it starts (src/local/cluster.ts), named by flag and before any work. */
async function checkUpFlags(f: UpFlags): Promise<void> {
  const { FlagProblems } = await import('../run/flags.js');
  const problems = new FlagProblems();
  problems.number('port', f.port, { integer: true, min: 0, max: 65535 });
  problems.number('proxies', f.proxies, { integer: true, min: 1, max: 16 });
  problems.number('querynodes', f.querynodes, { integer: true, min: 1, max: 32 });
  problems.number('session-ttl', f['session-ttl'], { integer: true, min: 200, max: 600_000 });
  problems.number('restart-delay', f['restart-delay'], { integer: true, min: 0, max: 600_000 });
  problems.number('ready-timeout', f['ready-timeout'], { integer: true, min: 1 });
  if (f.runtime !== undefined && f.runtime !== 'process' && f.runtime !== 'docker') {
    problems.add('runtime', `"${f.runtime}" is not allowed${didYouMean(f.runtime, ['process', 'docker'])} (allowed: process, docker)`);
  }
  problems.inputFile('config', f.config, 'a local.config.json file');
  problems.throwIfAny();
}

const statusCommand: CommandModule<object, CommonFlags & { json: boolean }> = {
  command: 'status',
  describe: 'list every component: role, name, pid, ports, alive/ready, restarts, log file',
  builder: (y) => withDataDir(y).option('json', { type: 'boolean', default: false }) as never,
  handler: async (f) => {
    const { findLocalCluster } = await local();
    const status = await findLocalCluster(f['data-dir'], { version: true });
    if (f.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    if (!status) return void process.stdout.write(`no local cluster is running in ${f['data-dir']}\n`);
    const { default: Table } = await import('cli-table3');
    const docker = status.runtime === 'docker';
    const head = ['role', 'name', 'pid', ...(docker ? ['container'] : []), 'grpc', 'metrics', 'alive', 'ready', 'restarts', 'log'];
    const table = new Table({ style: { head: [], border: [] }, head });
    for (const c of status.components) {
      const container = docker ? [c.containerId?.slice(0, 12) ?? '-'] : [];
      table.push([c.role, c.name, c.pid ?? '-', ...container, c.grpcPort ?? '-', c.metricsPort ?? '-', c.alive ? 'yes' : 'no', c.ready ? 'yes' : c.stopped ? 'stopped' : 'no', c.restarts, c.logFile]);
    }
    const runtime = docker ? `, runtime docker (compose project ${status.project})` : '';
    process.stdout.write(`${status.description}${status.version ? ` (server version ${status.version})` : ''}\naddress ${status.address}, supervisor pid ${status.supervisorPid}${runtime}\n${table.toString()}\n`);
  },
};

const downCommand: CommandModule<object, CommonFlags> = {
  command: 'down',
  describe: 'stop every component and leave no process behind',
  builder: (y) => withDataDir(y) as never,
  handler: async (f) => {
    const { downLocalCluster } = await local();
    await downLocalCluster(f['data-dir']);
    process.stdout.write('local cluster stopped\n');
  },
};

const SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGSTOP', 'SIGCONT', 'SIGHUP'] as const;

const killCommand: CommandModule<object, CommonFlags & { name: string; signal: string }> = {
  command: 'kill <name>',
  describe: 'send a signal to one component (the supervisor restarts it unless --no-restart)',
  builder: (y) =>
    withDataDir(y)
      .positional('name', { type: 'string', demandOption: true })
      .option('signal', { type: 'string', default: 'SIGKILL', describe: `one of ${SIGNALS.join(', ')}` }) as never,
  handler: async (f) => {
    if (!(SIGNALS as readonly string[]).includes(f.signal)) {
      throw new UsageError(`--signal: "${f.signal}" is not allowed${didYouMean(f.signal, SIGNALS)} (allowed: ${SIGNALS.join(', ')})`);
    }
    const { signalComponent } = await local();
    await signalComponent(f['data-dir'], f.name, f.signal as NodeJS.Signals);
    process.stdout.write(`sent ${f.signal} to ${f.name}\n`);
  },
};

const lifecycle = (verb: 'stop' | 'start' | 'restart', describe: string): CommandModule<object, CommonFlags & { name: string }> => ({
  command: `${verb} <name>`,
  describe,
  builder: (y) => withDataDir(y).positional('name', { type: 'string', demandOption: true }) as never,
  handler: async (f) => {
    const api = await local();
    const action = verb === 'stop' ? api.stopComponent : verb === 'start' ? api.startComponent : api.restartComponent;
    await action(f['data-dir'], f.name);
    process.stdout.write(`${verb} ${f.name}: done\n`);
  },
});

export const localCommand: CommandModule = {
  command: 'local <command>',
  describe: 'run the local Milvus-compatible test cluster (real processes; not Milvus)',
  builder: (y) =>
    y
      .command(upCommand)
      .command(statusCommand)
      .command(downCommand)
      .command(killCommand)
      .command(lifecycle('stop', 'stop one component and keep it down'))
      .command(lifecycle('start', 'start a stopped component'))
      .command(lifecycle('restart', 'stop and start one component'))
      .demandCommand(1, 'name a local command: up, status, down, kill, stop, start, restart'),
  handler: () => undefined,
};
