import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { writeStarterFiles } from '../../src/scenario/index.js';
import { loadShippedConfig, loadShippedScenario } from './files-loader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mb-init-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeStarterFiles', () => {
  it('writes bench.config.ts and scenarios/ha-failover.ts that validate', async () => {
    const written = await writeStarterFiles(dir);
    expect(written).toEqual([path.join(dir, 'bench.config.ts'), path.join(dir, 'scenarios', 'ha-failover.ts')]);
    const config = await loadShippedConfig(written[0]);
    expect(config.target.address).toBe('local');
    expect(config.faults.backend).toBe('local');
    const scenario = await loadShippedScenario(written[1]);
    expect(scenario.name).toBe('ha-failover');
    expect(scenario.faults).toHaveLength(1);
  });

  it('refuses to overwrite without force, naming the file', async () => {
    await writeFile(path.join(dir, 'bench.config.ts'), '// mine\n');
    const error = await writeStarterFiles(dir).then(
      () => null,
      (e: unknown) => e as UsageError,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error!.message).toBe(`${path.join(dir, 'bench.config.ts')}: already exists; use --force to overwrite`);
    expect(await readFile(path.join(dir, 'bench.config.ts'), 'utf8')).toBe('// mine\n');
    await writeStarterFiles(dir, { force: true });
    expect(await readFile(path.join(dir, 'bench.config.ts'), 'utf8')).toContain('defineConfig');
  });
});
