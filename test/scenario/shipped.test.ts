// Every shipped scenario and the repository's bench.config.ts validate, and their SLO keys name real metrics.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, shippedScenariosDir, totalLoadMs } from '../../src/scenario/index.js';
import { parseSlos } from '../../src/slo/index.js';
import { loadShippedScenario } from './files-loader.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const files = readdirSync(shippedScenariosDir()).filter((name) => name.endsWith('.ts'));

describe('shipped scenarios', () => {
  it('ships the documented set', () => {
    expect(files.sort()).toEqual(
      ['ha-failover.ts', 'proxy-failover.ts', 'querynode-single-replica.ts', 'rolling.ts', 'seed-baseline.ts', 'smoke.ts', 'throughput.ts'].sort(),
    );
  });

  it.each(files)('%s validates, with SLOs that parse', async (name) => {
    const scenario = await loadShippedScenario(path.join(shippedScenariosDir(), name));
    expect(scenario.name).toBe(name.replace(/\.ts$/, ''));
    const slos = parseSlos(scenario.slo, scenario);
    expect(slos.errors).toEqual([]);
    expect(slos.value.length).toBeGreaterThan(0);
    // runnable on 2 cores in a few minutes at most
    expect(totalLoadMs(scenario.phases)).toBeLessThanOrEqual(120_000);
  });

  it('ha-failover is the documented HA check', async () => {
    const scenario = await loadShippedScenario(path.join(shippedScenariosDir(), 'ha-failover.ts'));
    expect(scenario.collection).toMatchObject({ dim: 128, replicas: 2, index: { type: 'IVF_FLAT', params: { nlist: 1024 } } });
    expect(scenario.ingest).toMatchObject({ rows: 100_000, vectors: { kind: 'random', distribution: 'clustered' } });
    expect(scenario.phases).toMatchObject([{ mode: 'closed', concurrency: 10, durationMs: 60_000 }]);
    expect(scenario.faults).toMatchObject([{ atMs: 20_000, action: 'kill', target: { role: 'querynode', pick: 'one' } }]);
    expect(scenario.slo).toMatchObject({ downtime: '<5s', 'search.p99': '<100ms', count: 'exact', recall: '>=0.95' });
  });

  it("the repository's bench.config.ts loads (type-only import) and equals the defaults", async () => {
    const config = await loadConfig(undefined, { cwd: ROOT, env: {} });
    expect(config.file).toBe(path.join(ROOT, 'bench.config.ts'));
    const defaults = await loadConfig(undefined, { cwd: '/', env: {} });
    expect({ ...config, file: undefined }).toEqual({ ...defaults, file: undefined });
  });
});
