// Real files in a temp dir, loaded through jiti (with the 'milvus-bench' alias to dist/index.js).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadConfig, loadScenario } from '../../src/scenario/index.js';

// Until src/index.ts exports defineScenario/defineConfig, files import them from the source module directly.
const DEFINE = fileURLToPath(new URL('../../src/scenario/define.ts', import.meta.url));
const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
let dir: string;

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mb-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadScenario', () => {
  it('loads a TypeScript scenario with typed helpers and resolves it', async () => {
    await write(
      'scenarios/ok.ts',
      `import { defineScenario } from ${JSON.stringify(DEFINE)};
       const seconds: number = 3;
       export default defineScenario({ name: 'ok', phases: [{ duration: seconds * 1000, concurrency: 2 }] });`,
    );
    const scenario = await loadScenario('scenarios/ok.ts', { cwd: dir });
    expect(scenario.name).toBe('ok');
    expect(scenario.phases[0].durationMs).toBe(3000);
    expect(scenario.file).toBe(path.join(dir, 'scenarios/ok.ts'));
  });

  it("resolves 'milvus-bench' to the package's dist/index.js from a folder outside the repo", async () => {
    // The alias must work without node_modules next to the file: the temp dir has none.
    await write(
      'alias.mts',
      `import * as bench from 'milvus-bench';
       import { createRequire } from 'node:module';
       export default { name: 'exports-' + Object.keys(bench).length, phases: [{ duration: '1s', concurrency: 1 }] };`,
    );
    const exported = Object.keys(await import(DIST_INDEX)).length;
    const scenario = await loadScenario(path.join(dir, 'alias.mts'));
    expect(scenario.name).toBe(`exports-${exported}`);
  });

  it('loads .js and .mjs files', async () => {
    await write('plain.mjs', `export default { name: 'mjs', phases: [{ duration: '1s', rate: 10 }] };`);
    await write('package.json', '{ "type": "module" }');
    await write('plain.js', `export default { name: 'js', phases: [{ duration: '1s', rate: 10 }] };`);
    expect((await loadScenario('plain.mjs', { cwd: dir })).name).toBe('mjs');
    expect((await loadScenario('plain.js', { cwd: dir })).name).toBe('js');
  });

  it('reads an edited file again on the next load', async () => {
    await write('edit.ts', `export default { name: 'v1', phases: [{ duration: '1s', concurrency: 1 }] };`);
    expect((await loadScenario('edit.ts', { cwd: dir })).name).toBe('v1');
    await write('edit.ts', `export default { name: 'v2', phases: [{ duration: '1s', concurrency: 1 }] };`);
    expect((await loadScenario('edit.ts', { cwd: dir })).name).toBe('v2');
  });

  it('turns a missing file, a throwing file and a missing default export into one-line errors', async () => {
    expect((await usageError(loadScenario('nope.ts', { cwd: dir }))).message).toMatch(/^nope\.ts: file not found \(looked for .*nope\.ts\)$/);
    await write('throws.ts', `throw new Error('boom\\nsecond line');\nexport default {};`);
    expect((await usageError(loadScenario('throws.ts', { cwd: dir }))).message).toBe('throws.ts: failed to load: boom');
    await write('syntax.ts', `export default { name: 'x', `);
    const syntax = await usageError(loadScenario('syntax.ts', { cwd: dir }));
    expect(syntax.message).toMatch(/^syntax\.ts: failed to load: /);
    expect(syntax.message).not.toContain('\n');
    await write('named.ts', `export const scenario = { name: 'x' };`);
    expect((await usageError(loadScenario('named.ts', { cwd: dir }))).message).toBe(
      'named.ts: no default export; it exports "scenario" (allowed: export default defineScenario({ … }))',
    );
    expect((await usageError(loadScenario('data.json', { cwd: dir }))).message).toBe(
      'data.json: ".json" files cannot be loaded (JSON has no defineScenario/defineConfig) (allowed: .ts, .mts, .js, .mjs files with export default defineScenario({ … }))',
    );
  });

  it('lists every validation problem in the UsageError', async () => {
    await write('bad.ts', `export default { name: 'bad', phases: [{ duration: '1s', rate: -5 }], collection: { dimm: 3 } };`);
    const error = await usageError(loadScenario('bad.ts', { cwd: dir }));
    expect(error.message).toBe('bad.ts: 2 problems in the scenario');
    expect(error.problems).toEqual([
      'bad.ts: scenario.collection.dimm: unknown key; did you mean "dim"? (allowed: name, dim, metric, index, shards, replicas, scalars, recreate, autoId)',
      'bad.ts: scenario.phases[0].rate: -5 is too small (allowed: numbers > 0)',
    ]);
    expect(error.exitCode).toBe(2);
  });
});

describe('loadConfig', () => {
  it('uses the defaults when there is no bench.config.ts and no --config', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'mb-empty-'));
    try {
      const config = await loadConfig(undefined, { cwd: empty, env: {} });
      expect(config.file).toBeUndefined();
      expect(config.target).toEqual({ address: 'local', tls: false, connectTimeoutMs: 5_000 });
      expect(config.local).toEqual({ proxies: 2, querynodes: 2, port: 19530, dataDir: '.milvus-bench/local', runtime: 'process', sessionTtlMs: 3000, restartDelayMs: 1000, autoRestart: true, engine: 'builtin', topology: 'standalone' });
      expect(config.workers).toBeGreaterThanOrEqual(1);
      expect(config.workers).toBeLessThanOrEqual(4);
      expect(config.reportDir).toBe('reports');
      expect(config.faults.backend).toBe('local');
      expect(config.faults.docker.services.querynode).toBe('querynode');
      expect(config.faults.kubernetes).toEqual({ namespace: 'default', instance: 'milvus', selectors: {} });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('finds bench.config.ts in cwd, and --config wins', async () => {
    const project = path.join(dir, 'project');
    await write(
      'project/bench.config.ts',
      `import { defineConfig } from ${JSON.stringify(DEFINE)};
       export default defineConfig({ target: { address: 'milvus.internal:19530', token: 'from-file' }, workers: 3 });`,
    );
    await write('project/other.config.mjs', `export default { reportDir: 'elsewhere' };`);
    const found = await loadConfig(undefined, { cwd: project, env: {} });
    expect(found.file).toBe(path.join(project, 'bench.config.ts'));
    expect(found.target.address).toBe('milvus.internal:19530');
    expect(found.workers).toBe(3);
    expect(found.faults.backend).toBe('none');
    const explicit = await loadConfig('other.config.mjs', { cwd: project, env: {} });
    expect(explicit.reportDir).toBe('elsewhere');
    expect(explicit.target.address).toBe('local');
    expect((await usageError(loadConfig('missing.ts', { cwd: project }))).message).toMatch(/^missing\.ts: file not found \(looked for .*missing\.ts\)$/);
  });

  it('lets MILVUS_* environment variables override the file', async () => {
    const config = await loadConfig('project/bench.config.ts', {
      cwd: dir,
      env: { MILVUS_ADDRESS: 'https://cloud.example:443', MILVUS_TOKEN: 't0k', MILVUS_USER: 'u', MILVUS_PASSWORD: 'p', MILVUS_DATABASE: 'db1' },
    });
    expect(config.target).toMatchObject({ address: 'https://cloud.example:443', token: 't0k', username: 'u', password: 'p', database: 'db1' });
    const bad = await usageError(loadConfig(undefined, { cwd: path.join(dir, 'project'), env: { MILVUS_ADDRESS: 'not an address' } }));
    expect(bad.problems).toEqual(['environment: MILVUS_ADDRESS: "not an address" is not an address (allowed: "local", host:port such as "milvus:19530", http(s)://host[:port] or grpc(s)://host[:port] (https and grpcs use TLS))']);
  });

  it('reports every config problem with config.* paths', async () => {
    await write(
      'badconfig.ts',
      `export default { target: { adress: 'x', tls: 'yes' }, local: { proxies: 0 }, faults: { backend: 'ssh', docker: { services: { querynod: 'q' } } } };`,
    );
    const error = await usageError(loadConfig('badconfig.ts', { cwd: dir, env: {} }));
    expect(error.problems).toMatchInlineSnapshot(`
      [
        "badconfig.ts: config.target.tls: "yes" is a string, not a boolean (allowed: true or false)",
        "badconfig.ts: config.target.adress: unknown key; did you mean "address"? (allowed: address, token, username, password, database, tls, connectTimeout, metrics)",
        "badconfig.ts: config.local.proxies: 0 is too small (allowed: integers 1..16)",
        "badconfig.ts: config.faults.backend: "ssh" is not allowed (allowed: local, docker, kubernetes, chaos-mesh, process, none)",
        "badconfig.ts: config.faults.docker.services.querynod: unknown key; did you mean "querynode"? (allowed: proxy, querynode, datanode, indexnode, streamingnode, coordinator, standalone, etcd, minio, pulsar)",
      ]
    `);
  });
});

describe('secrets', () => {
  it('never echoes a token or password value in a problem', async () => {
    await write('secret.ts', `export default { target: { token: 12345678, password: 987654 } };`);
    const error = await usageError(loadConfig('secret.ts', { cwd: dir, env: {} }));
    expect(error.problems).toEqual([
      'secret.ts: config.target.token: (hidden) is the wrong type (allowed: a non-empty string)',
      'secret.ts: config.target.password: (hidden) is a number, not a string (allowed: a string)',
    ]);
  });
});
