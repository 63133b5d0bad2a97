// The real Milvus standalone through the CLI: `local up --engine milvus --detach` starts it on ports of its own,
// status --json names the engine and the server's version, the SDK flow works against it, a SIGKILL through
// `local kill` is repaired by the supervisor with every row still there, `local stop`/`start` keep it down and bring
// it back, and `down` leaves no process behind, also after the supervisor itself was killed.
// And without the server installed: one line naming what is missing and the install command.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, scratchDir, writeFile } from '../cli/harness.js';
import { countRows, freePort, processesOf, status } from './cluster-support.js';
import { requireRealMilvus } from '../support/real-milvus.js';

const skip = requireRealMilvus('test/real/standalone.test.ts');
const ROWS = 3000;
const DIM = 16;
// a deterministic vector per row: the test knows which id a search for row i's vector must return first
const vectorOf = (i: number): number[] => Array.from({ length: DIM }, (_, d) => Math.sin(i * 13 + d * 0.7));

/** count(*) once the restarted server has loaded the collection again (it reloads it on its own, a while after
 * /healthz says OK); returns the count and how long after `since` it first answered. */
async function countWhenLoaded(address: string, collection: string, since: number): Promise<{ count: number; afterMs: number }> {
  for (;;) {
    try {
      return { count: await countRows(address, collection), afterMs: Date.now() - since };
    } catch (error) {
      if (!/not loaded|loading/i.test((error as Error).message) || Date.now() - since > 120_000) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('local up --engine milvus without the server installed', () => {
  it('names milvus-server and the install command in one line, exit 4 within seconds, nothing started', async () => {
    const dir = scratchDir('standalone-missing');
    const dataDir = join(dir, 'd');
    const run = await runCli(['local', 'up', '--engine', 'milvus', '--data-dir', dataDir, '--port', String(await freePort()), '--detach'], { cwd: dir, timeoutMs: 30_000, env: { PATH: join(dir, 'empty-bin') } });
    expect(run.code).toBe(4);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/real Milvus is not installed: no milvus-server on PATH \(install it with: pip install milvus==2\.3\.5/)]);
    expect(run.elapsedMs).toBeLessThan(10_000);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);
  });

  it('names a --milvus-bin that is not there', async () => {
    const dir = scratchDir('standalone-badbin');
    const run = await runCli(['local', 'up', '--engine', 'milvus', '--milvus-bin', '/nonexistent/milvus-server', '--data-dir', join(dir, 'd'), '--port', String(await freePort()), '--detach'], { cwd: dir, timeoutMs: 30_000 });
    expect(run.code).toBe(4);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('--milvus-bin / local.milvusBin /nonexistent/milvus-server is not an executable file (install it with: pip install milvus==2.3.5)')]);
  });

  it('run with local.engine milvus never falls back to a look-alike running in the data dir: exit 4, one reason', async () => {
    const dir = scratchDir('standalone-nofallback');
    const dataDir = join(dir, 'd');
    const port = await freePort();
    writeFile(dir, 'bench.config.ts', `export default { target: { address: 'local' }, local: { engine: 'milvus', port: ${port}, dataDir: ${JSON.stringify(dataDir)} } };\n`);
    try {
      const up = await runCli(['local', 'up', '--port', String(port), '--data-dir', dataDir, '--detach'], { cwd: dir, timeoutMs: 60_000 });
      expect(up.code, up.stderr).toBe(0);
      const run = await runCli(['run', join(REPO_ROOT, 'scenarios', 'smoke.ts'), '--quiet'], { cwd: dir, timeoutMs: 60_000 });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain(`local.engine is milvus but the look-alike (engine builtin) is running in ${dataDir}`);
    } finally {
      await runCli(['local', 'down', '--data-dir', dataDir], { cwd: dir, timeoutMs: 60_000 });
    }
  }, 120_000);

  it('rejects --milvus-bin without --engine milvus, exit 2', async () => {
    const dir = scratchDir('standalone-binflag');
    const run = await runCli(['local', 'up', '--milvus-bin', '/x', '--data-dir', join(dir, 'd'), '--detach'], { cwd: dir, timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--milvus-bin: is set without --engine milvus');
  });
});

describe.skipIf(skip)('real Milvus standalone through the CLI', () => {
  let dir: string;
  let dataDir: string;
  let port: number;
  let address: string;

  beforeAll(async () => {
    dir = scratchDir('real-standalone');
    dataDir = join(dir, 'standalone');
    port = await freePort();
    address = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    if (dataDir) await runCli(['local', 'down', '--data-dir', dataDir], { cwd: dir, timeoutMs: 60_000 });
  });

  it('comes up detached as one real `milvus run standalone` process; status --json names engine and version', async () => {
    const up = await runCli(['local', 'up', '--engine', 'milvus', '--data-dir', dataDir, '--port', String(port), '--detach'], { cwd: dir, timeoutMs: 150_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/Real Milvus 2\.3\.\d+ standalone .*server version v2\.3\.\d+/);
    console.log(`real standalone start-up: ${/ready at \S+ in ([\d.]+) s/.exec(up.stdout)?.[1]} s`);
    const s = await status(dir, dataDir);
    expect(s.engine).toBe('milvus');
    expect(s.topology).toBe('standalone');
    expect((s as unknown as { version: string }).version).toMatch(/^v2\.3\.\d+/);
    expect(s.address).toBe(address);
    expect(s.components).toHaveLength(1);
    const c = s.components[0]!;
    expect([c.name, c.role, c.alive, c.ready, c.grpcPort]).toEqual(['standalone', 'standalone', true, true, port]);
    expect(c.metricsPort).not.toBe(9091);
    // the real binary, not the look-alike; Milvus's own /healthz and metric names on our metrics port
    expect(readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0').slice(1, 3)).toEqual(['run', 'standalone']);
    expect(await (await fetch(`http://127.0.0.1:${c.metricsPort}/healthz`)).text()).toContain('OK');
    expect(await (await fetch(`http://127.0.0.1:${c.metricsPort}/metrics`)).text()).toContain('milvus_proxy_');
  }, 160_000);

  it('serves the SDK flow: create, insert, flush, index, load, search finds each row, count(*) exact', async () => {
    const client = new MilvusClient({ address, timeout: 60_000 });
    try {
      const name = 'standalone_flow';
      const created = await client.createCollection({ collection_name: name, fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: DIM },
      ] });
      expect(created.error_code).toBe('Success');
      const inserted = await client.insert({ collection_name: name, data: Array.from({ length: ROWS }, (_, i) => ({ id: i, v: vectorOf(i) })) });
      expect(inserted.insert_cnt).toBe(String(ROWS));
      await client.flushSync({ collection_names: [name] });
      expect((await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: 32 } })).error_code).toBe('Success');
      expect((await client.loadCollectionSync({ collection_name: name })).error_code).toBe('Success');
      for (const i of [0, 1234, ROWS - 1]) {
        const found = await client.search({ collection_name: name, vector: vectorOf(i), limit: 3, params: { nprobe: 32 } });
        expect(found.status.error_code).toBe('Success');
        expect(String(found.results[0]?.id)).toBe(String(i));
      }
    } finally {
      await client.closeConnection();
    }
    expect(await countRows(address, 'standalone_flow')).toBe(ROWS);
  }, 120_000);

  it('local kill standalone: the supervisor restarts it on the same ports, every row still there', async () => {
    const before = (await status(dir, dataDir)).components[0]!;
    const kill = await runCli(['local', 'kill', 'standalone', '--data-dir', dataDir], { cwd: dir, timeoutMs: 30_000 });
    expect(kill.code, kill.stderr).toBe(0);
    const killedAt = Date.now();
    let after = before;
    while (Date.now() - killedAt < 90_000) {
      after = (await status(dir, dataDir)).components[0]!;
      if (after.ready && after.pid !== before.pid) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`real standalone back ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL`);
    expect(after.ready).toBe(true);
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(before.restarts + 1);
    expect([after.grpcPort, after.metricsPort]).toEqual([before.grpcPort, before.metricsPort]);
    const counted = await countWhenLoaded(address, 'standalone_flow', killedAt);
    console.log(`real standalone: collection loaded again and counted ${(counted.afterMs / 1000).toFixed(1)} s after SIGKILL`);
    expect(counted.count).toBe(ROWS);
  }, 120_000);

  it('local stop keeps it down (no restart), local start brings it back with the rows', async () => {
    const stop = await runCli(['local', 'stop', 'standalone', '--data-dir', dataDir], { cwd: dir, timeoutMs: 30_000 });
    expect(stop.code, stop.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 2500));
    const stopped = (await status(dir, dataDir)).components[0]!;
    expect([stopped.alive, stopped.stopped]).toEqual([false, true]);
    const start = await runCli(['local', 'start', 'standalone', '--data-dir', dataDir], { cwd: dir, timeoutMs: 30_000 });
    expect(start.code, start.stderr).toBe(0);
    const startedAt = Date.now();
    while (!(await status(dir, dataDir)).components[0]!.ready && Date.now() < startedAt + 90_000) await new Promise((r) => setTimeout(r, 250));
    expect((await countWhenLoaded(address, 'standalone_flow', startedAt)).count).toBe(ROWS);
  }, 150_000);

  it('down leaves no process behind, also after the supervisor was killed', async () => {
    const s = await status(dir, dataDir);
    expect(processesOf(dataDir).length).toBeGreaterThanOrEqual(2);
    const argv = readFileSync(`/proc/${s.components[0]!.pid}/cmdline`, 'utf8').split('\0');
    const pidFile = join('/run/milvus', `standalone-${argv[argv.indexOf('-alias') + 1]}.pid`);
    expect(existsSync(pidFile)).toBe(true);
    process.kill(s.supervisorPid, 'SIGKILL');
    const down = await runCli(['local', 'down', '--data-dir', dataDir], { cwd: dir, timeoutMs: 60_000 });
    expect(down.code, down.stderr).toBe(0);
    expect(processesOf(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);
    // Milvus's pid file for this data dir's alias is gone too
    expect(existsSync(pidFile)).toBe(false);
  }, 90_000);
});
