// Loads files that import from 'milvus-bench' (shipped scenarios, init output) the way the CLI does.
// Until src/index.ts re-exports defineScenario/defineConfig, dist/index.js lacks them; then 'milvus-bench'
// is resolved to the source helpers instead and the same validation runs on the default export.
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { expect } from 'vitest';
import { loadConfig, loadScenario, validateConfig, validateScenario, type BenchConfig, type Scenario } from '../../src/scenario/index.js';

const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const DEFINE = fileURLToPath(new URL('../../src/scenario/define.ts', import.meta.url));

async function distExportsDefine(): Promise<boolean> {
  const entry = (await import(DIST_INDEX).catch(() => ({}))) as Record<string, unknown>;
  return typeof entry.defineScenario === 'function' && typeof entry.defineConfig === 'function';
}

async function defaultExport(file: string): Promise<unknown> {
  const jiti = createJiti(import.meta.url, { alias: { 'milvus-bench': DEFINE }, moduleCache: false, fsCache: false });
  return ((await jiti.import(file)) as { default?: unknown }).default;
}

export async function loadShippedScenario(file: string): Promise<Scenario> {
  if (await distExportsDefine()) return loadScenario(file);
  const { value, errors } = validateScenario(await defaultExport(file), file);
  expect(errors).toEqual([]);
  return value!;
}

export async function loadShippedConfig(file: string): Promise<BenchConfig> {
  if (await distExportsDefine()) return loadConfig(file, { env: {} });
  const { value, errors } = validateConfig(await defaultExport(file), file, {});
  expect(errors).toEqual([]);
  return value!;
}
