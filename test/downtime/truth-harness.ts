// The truth harness for downtime tests: the local cluster (a Milvus look-alike, not Milvus) behind truth-proxy.mjs,
// a TCP proxy whose outages `exec` faults switch and whose own clock is the truth; runs go through the real CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/report/index.js';
import { runCli, scratchDir, writeFile } from '../cli/harness.js';

const PROXY = fileURLToPath(new URL('./truth-proxy.mjs', import.meta.url));

export interface Outage {
  mode: 'refuse' | 'hold' | 'slow';
  fromMs: number;
  toMs: number | null;
}

export interface TruthProxy {
  port: number;
  controlPort: number;
  pid: number;
  log(): Promise<Outage[]>;
  endAll(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startTruthProxy(upstreamPort: number, marker: string): Promise<TruthProxy> {
  const child: ChildProcess = spawn(process.execPath, [PROXY, String(upstreamPort), marker], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await new Promise<{ listening: number; control: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('truth proxy did not start within 10 s')), 10_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { listening: number; control: number });
    });
    child.once('exit', (code) => reject(new Error(`truth proxy exited (${code})`)));
  });
  const control = (path: string, method = 'POST') => fetch(`http://127.0.0.1:${ports.control}${path}`, { method });
  return {
    port: ports.listening,
    controlPort: ports.control,
    pid: child.pid!,
    log: async () => (await (await control('/log', 'GET')).json()) as Outage[],
    endAll: async () => void (await control('/end')),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      await exited;
    },
  };
}

/**
 * A shell command for an exec fault: POSTs each control path to the proxy in turn over bash's /dev/tcp (no process
 * to start, so the outage begins within a few ms of the call), failing when the proxy does not answer 200.
 */
export function ctl(proxy: TruthProxy, ...paths: string[]): string {
  const post = (path: string) =>
    `exec 3<>/dev/tcp/127.0.0.1/${proxy.controlPort} && printf "POST ${path} HTTP/1.0\\r\\n\\r\\n" >&3 && read -r status <&3 && exec 3<&- && case "$status" in *" 200 "*) ;; *) exit 1;; esac`;
  return `bash -c '${paths.map(post).join(' && ')}'`;
}

export interface TruthBed {
  dir: string;
  proxy: TruthProxy;
  close(): Promise<void>;
}

/** The local cluster (1 proxy, 1 querynode) on free ports, the truth proxy in front, a bench.config.ts aimed at it. */
export async function startTruthBed(label: string): Promise<TruthBed> {
  const dir = scratchDir(label);
  const clusterPort = await freePort();
  const up = await runCli(['local', 'up', '--detach', '--port', String(clusterPort), '--proxies', '1', '--querynodes', '1', '--data-dir', join(dir, '.local')], { cwd: dir, timeoutMs: 90_000 });
  if (up.code !== 0) throw new Error(`local up failed: ${up.stdout}${up.stderr}`);
  const marker = `truth-${process.pid}-${clusterPort}`;
  const proxy = await startTruthProxy(clusterPort, marker);
  writeFile(
    dir,
    'bench.config.ts',
    `import { defineConfig } from 'milvus-bench';
export default defineConfig({
  target: { address: '127.0.0.1:${proxy.port}', connectTimeout: '5s' },
  workers: 1,
  faults: { backend: 'process', allow: ['process'], process: { patterns: { proxy: ${JSON.stringify(`truth-proxy\\.mjs \\d+ ${marker}$`)} } } },
});
`,
  );
  return {
    dir,
    proxy,
    close: async () => {
      await proxy.close();
      await runCli(['local', 'down', '--data-dir', join(dir, '.local')], { cwd: dir, timeoutMs: 30_000 });
    },
  };
}

export interface CaseRun {
  code: number | null;
  output: string;
  result: RunResult;
  /** the proxy's outages that began during this run, in order */
  truth: Outage[];
}

let runs = 0;

/** Runs one scenario body (phases, faults, slo …) through the CLI against the bed; clears any outage left after it. */
export async function runCase(bed: TruthBed, name: string, body: string): Promise<CaseRun> {
  const startedMs = Date.now();
  const file = writeFile(
    bed.dir,
    `${name}.ts`,
    `import { defineScenario } from 'milvus-bench';
export default defineScenario({ name: '${name}',
  collection: { name: 'truth', dim: 8 }, ingest: { rows: 300, batchSize: 300 }, verify: { count: false, recallQueries: 0 },
  metrics: { interval: '500ms' },
  ${body} });
`,
  );
  const out = `out-${++runs}`;
  const run = await runCli(['run', file, '--out', out], { cwd: bed.dir, timeoutMs: 90_000 });
  const truth = (await bed.proxy.log()).filter((o) => o.fromMs >= startedMs);
  await bed.proxy.endAll();
  const result = JSON.parse(readFileSync(join(bed.dir, out, 'result.json'), 'utf8')) as RunResult;
  return { code: run.code, output: run.stdout + run.stderr, result, truth };
}
