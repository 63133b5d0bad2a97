// Loads scenario and config files (.ts/.mts/.js/.mjs) through jiti, with `milvus-bench` aliased to this package.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { UsageError } from '../errors.js';
import type { BenchConfig, Scenario } from '../model/index.js';
import { validateConfig, type ConfigEnv } from './config-schema.js';
import { validateScenario } from './validate.js';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const CONFIG_NAMES = EXTENSIONS.map((ext) => `bench.config${ext}`);

export interface LoadOptions {
  /** folder relative paths are resolved from (default: process.cwd()) */
  cwd?: string;
}

export async function loadScenario(file: string, options: LoadOptions = {}): Promise<Scenario> {
  const absolute = path.resolve(options.cwd ?? process.cwd(), file);
  const exported = await importDefault(absolute, file, SCENARIO_HINT);
  checkExportShape(exported, file, 'scenario', SCENARIO_HINT);
  const { value, errors } = validateScenario(exported, absolute);
  if (!value) throw problemsIn(file, 'scenario', errors);
  return value;
}

/**
 * `file` (from --config) must exist; without it, bench.config.{ts,mts,js,mjs} in cwd is used when present,
 * else the defaults. MILVUS_ADDRESS / MILVUS_TOKEN / MILVUS_USER / MILVUS_PASSWORD / MILVUS_DATABASE win over the file.
 */
export async function loadConfig(file?: string, options: LoadOptions & { env?: ConfigEnv } = {}): Promise<BenchConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? (process.env as ConfigEnv);
  const found = file ?? CONFIG_NAMES.find((name) => existsSync(path.join(cwd, name)));
  const absolute = found === undefined ? undefined : path.resolve(cwd, found);
  const exported = absolute === undefined ? {} : await importDefault(absolute, found!, CONFIG_HINT);
  if (absolute !== undefined) checkExportShape(exported, found!, 'config', CONFIG_HINT);
  const { value, errors } = validateConfig(exported, absolute, env);
  if (!value) throw problemsIn(found ?? 'config', 'config', errors);
  return value;
}

const SCENARIO_HINT = 'export default defineScenario({ … })';
const CONFIG_HINT = 'export default defineConfig({ … })';

/** Each problem as `<file>: <path>: <what is wrong> (allowed: …)`; the message is the problem itself when there is one. */
export function problemsIn(file: string, what: string, errors: string[]): UsageError {
  // Environment variables override the file; their problems are not the file's.
  const lines = errors.map((error) => (error.startsWith('MILVUS_') ? `environment: ${error}` : `${file}: ${error}`));
  return new UsageError(lines.length === 1 ? lines[0]! : `${file}: ${plural(lines.length, 'problem')} in the ${what}`, lines);
}

function checkExportShape(exported: unknown, shown: string, what: string, hint: string): void {
  if (typeof exported === 'object' && exported !== null && !Array.isArray(exported)) return;
  const kind = typeof exported === 'function' ? 'a function' : Array.isArray(exported) ? 'a list' : exported === null ? 'null' : `a ${typeof exported}`;
  throw new UsageError(`${shown}: the default export is ${kind}, not a ${what} object (allowed: ${hint})`);
}

async function importDefault(absolute: string, shown: string, hint: string): Promise<unknown> {
  const extension = path.extname(absolute);
  if (!EXTENSIONS.includes(extension)) {
    const what = extension === '' ? 'has no file extension' : `"${extension}" files cannot be loaded${extension === '.json' ? ' (JSON has no defineScenario/defineConfig)' : ''}`;
    throw new UsageError(`${shown}: ${what} (allowed: ${EXTENSIONS.join(', ')} files with ${hint})`);
  }
  if (!existsSync(absolute)) throw new UsageError(`${shown}: file not found (looked for ${absolute})`);
  const stat = statSync(absolute);
  if (stat.isDirectory()) throw new UsageError(`${shown}: is a folder, not a file (allowed: a ${EXTENSIONS.join('/')} file)`);
  if (stat.size === 0) throw new UsageError(`${shown}: the file is empty (allowed: a file with ${hint})`);
  let module: Record<string, unknown>;
  try {
    module = await fileLoader().import<Record<string, unknown>>(absolute);
  } catch (error) {
    throw new UsageError(`${shown}: failed to load: ${firstLine(error)}${syntaxLocation(error, absolute)}`);
  }
  if (module.default === undefined) {
    const named = Object.keys(module).filter((key) => key !== '__esModule');
    const found = named.length ? `; it exports ${named.map((n) => `"${n}"`).join(', ')}` : '';
    throw new UsageError(`${shown}: no default export${found} (allowed: ${hint})`);
  }
  return module.default;
}

function fileLoader() {
  // A fresh loader each time: a scenario edited between two runs in one process must be read again.
  return createJiti(import.meta.url, {
    alias: { 'milvus-bench': packageEntry() },
    moduleCache: false,
    fsCache: false,
    interopDefault: false,
  });
}

/** dist/index.js of this package, whether this module runs from dist/ or from src/ (tests). */
export function packageEntry(): string {
  const candidates = ['../index.js', '../../dist/index.js'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/** jiti puts a syntax error's `file:line:column` on a later line of its message. */
function syntaxLocation(error: unknown, absolute: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.lastIndexOf(`${absolute}:`);
  const location = at < 0 ? null : /^:(\d+):(\d+)/.exec(message.slice(at + absolute.length));
  return location ? ` (line ${location[1]}, column ${location[2]})` : '';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
