// `init`: a starter bench.config.ts and scenarios/ha-failover.ts (a copy of the shipped scenario).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';

const STARTER_CONFIG = `// milvus-bench configuration: https://github.com/ (see README "Configuration")
// Secrets belong in the environment: MILVUS_TOKEN, MILVUS_USER, MILVUS_PASSWORD (and MILVUS_ADDRESS) override this file.
import { defineConfig } from 'milvus-bench';

export default defineConfig({
  target: {
    // 'local' starts the embedded local Milvus-compatible test cluster (not Milvus).
    // Point it at a real deployment with 'host:19530' or 'https://…'.
    address: 'local',
  },
  local: { proxies: 2, querynodes: 2 },
  reportDir: 'reports',
  // Defaults merged under every scenario's slo (the scenario's keys win).
  slo: { 'search.errorRate': '<1%' },
  faults: {
    // 'local' when the target is local; set 'docker' or 'kubernetes' (and allow) for a real deployment.
    allow: [],
  },
});
`;

/** The shipped scenarios folder: <package>/scenarios, from dist/scenario or src/scenario alike. */
export function shippedScenariosDir(): string {
  return fileURLToPath(new URL('../../scenarios/', import.meta.url));
}

/** Writes the starter files into `dir`; returns their paths. Refuses to overwrite unless `force`. */
export async function writeStarterFiles(dir: string, options: { force?: boolean } = {}): Promise<string[]> {
  const files = [
    { file: path.resolve(dir, 'bench.config.ts'), text: STARTER_CONFIG },
    { file: path.resolve(dir, 'scenarios', 'ha-failover.ts'), text: await readFile(path.join(shippedScenariosDir(), 'ha-failover.ts'), 'utf8') },
  ];
  if (!options.force) {
    const existing = files.find(({ file }) => existsSync(file));
    if (existing) throw new UsageError(`${existing.file}: already exists; use --force to overwrite`);
  }
  for (const { file, text } of files) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return files.map(({ file }) => file);
}
