// The Milvus double (milvus-double.ts, not Milvus) in a child process, so a stall (SIGSTOP) or a restart
// happens in another process than the test's event loop.
//
//   const child = await startMilvusDoubleProcess({ rows: 200, dim: 8 });
//   child.address / child.port / child.pid
//   await child.inject(rule); await child.clear(); await child.calls()   (same rules as milvus-double.ts)
//   await child.pause(1000)     SIGSTOP now, SIGCONT after 1000 ms (resolves after SIGCONT)
//   await child.restart(gapMs)  kill -9, wait gapMs, start again on the same port (a proxy restart)
//   await child.close()
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DoubleRule, MilvusDoubleOptions } from './milvus-double.js';

const require = createRequire(import.meta.url);
const ENTRY = fileURLToPath(new URL('./milvus-double-child.ts', import.meta.url));
// `jiti/register` is an import-only export; resolve its file through the package root
const JITI = pathToFileURL(join(dirname(require.resolve('jiti/package.json')), 'lib', 'jiti-register.mjs')).href;
const START_TIMEOUT_MS = 20_000;

export interface MilvusDoubleProcess {
  readonly address: string;
  readonly port: number;
  readonly pid: number;
  inject(rule: DoubleRule): Promise<void>;
  clear(): Promise<void>;
  calls(): Promise<Record<string, number>>;
  pause(ms: number): Promise<void>;
  restart(gapMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface ChildHandle {
  child: ChildProcess;
  port: number;
  request(command: object): Promise<unknown>;
}

function launch(options: MilvusDoubleOptions): Promise<ChildHandle> {
  const child = spawn(process.execPath, ['--import', JITI, ENTRY, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(value: unknown) => void> = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error('milvus double child did not start in time'))), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`milvus double child exited with ${code} before it listened`)));
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { listening?: number; reply?: unknown };
      if (message.listening !== undefined) {
        clearTimeout(timer);
        resolve({
          child,
          port: message.listening,
          request: (command) =>
            new Promise((done) => {
              waiting.push(done);
              child.stdin!.write(`${JSON.stringify(command)}\n`);
            }),
        });
      } else waiting.shift()?.(message.reply);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startMilvusDoubleProcess(options: MilvusDoubleOptions = {}): Promise<MilvusDoubleProcess> {
  let handle = await launch(options);
  const rules: DoubleRule[] = [...(options.rules ?? [])];
  return {
    get address() {
      return `127.0.0.1:${handle.port}`;
    },
    get port() {
      return handle.port;
    },
    get pid() {
      return handle.child.pid!;
    },
    inject: async (rule) => {
      rules.push(rule);
      await handle.request({ inject: rule });
    },
    clear: async () => {
      rules.splice(0);
      await handle.request({ clear: true });
    },
    calls: async () => (await handle.request({ calls: true })) as Record<string, number>,
    pause: async (ms) => {
      handle.child.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, ms));
      handle.child.kill('SIGCONT');
    },
    restart: async (gapMs = 0) => {
      const port = handle.port;
      handle.child.kill('SIGKILL');
      await exited(handle.child);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      handle = await launch({ ...options, port, rules });
    },
    close: async () => {
      handle.child.kill('SIGKILL');
      await exited(handle.child);
    },
  };
}
