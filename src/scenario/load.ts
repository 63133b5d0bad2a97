// Loads scenario and config files (.ts/.mts/.js/.mjs) through jiti, with `milvus-bench` aliased to this package.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { UsageError } from '../errors.js';
import type { BenchConfig, Scenario } from './types.js';
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
  const exported = await importDefault(absolute, file, 'export default defineScenario({ … })');
  const { value, errors } = validateScenario(exported, absolute);
  if (!value) throw new UsageError(`${file}: ${plural(errors.length, 'problem')} in the scenario`, errors);
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
  const exported = absolute === undefined ? {} : await importDefault(absolute, found!, 'export default defineConfig({ … })');
  const { value, errors } = validateConfig(exported, absolute, env);
  if (!value) throw new UsageError(`${found ?? 'config'}: ${plural(errors.length, 'problem')} in the config`, errors);
  return value;
}

async function importDefault(absolute: string, shown: string, hint: string): Promise<unknown> {
  if (!EXTENSIONS.includes(path.extname(absolute))) {
    throw new UsageError(`${shown}: unsupported file type; use ${EXTENSIONS.join(', ')}`);
  }
  if (!existsSync(absolute)) throw new UsageError(`${shown}: file not found`);
  let module: Record<string, unknown>;
  try {
    module = await fileLoader().import<Record<string, unknown>>(absolute);
  } catch (error) {
    throw new UsageError(`${shown}: failed to load: ${firstLine(error)}`);
  }
  if (module.default === undefined) throw new UsageError(`${shown}: no default export (write ${hint})`);
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

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
