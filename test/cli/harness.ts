// Runs the real CLI (bin/milvus-bench.js → dist/) as a subprocess in a scratch folder of its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/report/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'milvus-bench.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** run the CLI as this user (and its group id), e.g. 65534 to lose root's right to signal every process */
  uid?: number;
  /** called with the child once stdout/stderr shows this text */
  onOutput?: { match: RegExp; then: (child: ReturnType<typeof spawn>) => void };
}

export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined && { uid: options.uid, gid: options.uid }),
  });
  let stdout = '';
  let stderr = '';
  let triggered = false;
  const watch = () => {
    if (!triggered && options.onOutput && options.onOutput.match.test(stdout + stderr)) {
      triggered = true;
      options.onOutput.then(child);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    watch();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    watch();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

export function scratchDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `milvus-bench-${label}-`));
}

export function writeFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** A bench.config.ts that puts the local cluster on its own port, with fast failure detection. */
export function writeLocalConfig(dir: string, port: number, extra = ''): string {
  return writeFile(
    dir,
    'bench.config.ts',
    `import { defineConfig } from 'milvus-bench';
export default defineConfig({
  target: { address: 'local', connectTimeout: '5s' },
  local: { port: ${port}, proxies: 2, querynodes: 2 },
  ${extra}
});
`,
  );
}

/** The only result.json under dir/reports (or the given folder). */
export function readResult(dir: string, reportDir = 'reports'): { result: RunResult; folder: string } {
  const root = join(dir, reportDir);
  const folders = readdirSync(root);
  if (folders.length !== 1) throw new Error(`expected one report folder in ${root}, found ${folders.join(', ') || 'none'}`);
  const folder = join(root, folders[0]!);
  return { result: JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')) as RunResult, folder };
}
