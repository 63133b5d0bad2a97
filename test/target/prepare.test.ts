import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetError, UsageError } from '../../src/errors.js';
import type { StepTiming } from '../../src/model/index.js';
import type { Scenario } from '../../src/model/index.js';
import type { TargetConnection } from '../../src/target/index.js';
import { connectTarget, describeTarget, exactNeighbours, makeQueryVectors, prepareCollection, vectorRows, verifyIntegrity } from '../../src/target/index.js';
import type { ProtocolServer } from './protocol-server.js';
import { startProtocolServer } from './protocol-server.js';
import { testScenario } from './scenario-fixture.js';

const DIM = 12;

function scenario(name: string, changes: { collection?: Partial<Scenario['collection']>; ingest?: Partial<Scenario['ingest']> } = {}): Scenario {
  return testScenario({
    collection: {
      name,
      dim: DIM,
      metric: 'COSINE',
      index: { type: 'IVF_FLAT', params: { nlist: 16 } },
      scalars: [{ name: 'price', type: 'int64', min: 0, max: 100 }],
      ...changes.collection,
    },
    ingest: { rows: 600, batchSize: 128, parallelBatches: 3, vectors: { kind: 'random', seed: 4, distribution: 'clustered' }, ...changes.ingest },
    phases: [{ name: 'p', mode: 'closed', concurrency: 1, durationMs: 1000, timeoutMs: 1000, operations: [{ kind: 'search', weight: 1, nq: 1, topK: 10, params: { nprobe: 4 }, outputFields: [] }] }],
    verify: { recallQueries: 20 },
  });
}

let server: ProtocolServer;
let conn: TargetConnection;
const dir = mkdtempSync(join(tmpdir(), 'milvus-bench-prepare-'));

beforeAll(async () => {
  server = await startProtocolServer();
  conn = await connectTarget({ address: server.address, tls: false, connectTimeoutMs: 5000 });
});
afterAll(async () => {
  await conn?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stepNames = (steps: StepTiming[]) => steps.map((s) => s.step);
const callsDuring = async (run: () => Promise<unknown>) => {
  const before = server.calls.length;
  await run();
  return server.calls.slice(before);
};

async function rejection(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('prepareCollection + verifyIntegrity over gRPC', () => {
  it('creates, ingests, flushes, indexes and loads, timing each step; count and recall verify', async () => {
    const s = scenario('fresh', { collection: { replicas: 2 } });
    const seen: StepTiming[] = [];
    const progress: number[] = [];
    const prep = await prepareCollection(conn, s, { onStep: (step) => seen.push(step), onIngestProgress: (p) => progress.push(p.rows) });
    expect(stepNames(prep.steps)).toEqual(['connect', 'create', 'ingest', 'flush', 'index', 'load']);
    expect(seen).toEqual(prep.steps);
    expect(prep.steps.every((step) => step.durationMs >= 0 && step.startMs > 1.6e12)).toBe(true);
    expect(prep.steps.find((step) => step.step === 'load')!.detail).toBe('2 replicas');
    expect(prep.rows).toBe(600);
    expect(prep.ingest).toMatchObject({ rows: 600, batches: 5, skipped: false });
    expect(progress.at(-1)).toBe(600);

    const stored = server.collections.get('fresh')!;
    expect(stored.loadedReplicas).toBe(2);
    expect(stored.schema.fields.map((f) => `${f.name}:${f.data_type}`)).toEqual(['id:Int64', 'vector:FloatVector', 'price:Int64']);
    expect(stored.index!.params).toEqual(
      expect.arrayContaining([{ key: 'index_type', value: 'IVF_FLAT' }, { key: 'metric_type', value: 'COSINE' }, { key: 'params', value: '{"nlist":16}' }]),
    );

    const queries = makeQueryVectors(s, 64);
    const sample = exactNeighbours(s, queries, Array.from({ length: 20 }, (_, i) => i), 10);
    const verified: StepTiming[] = [];
    const integrity = await verifyIntegrity(conn, s, prep.rows, sample, (step) => verified.push(step));
    expect(integrity).toEqual({ expectedRows: 600, countedRows: 600, countMatches: true, countBefore: 0, acknowledged: 600, heldOut: 'distribution', recall: 1, recallQueries: 20, topK: 10 });
    expect(verified[0]).toMatchObject({ step: 'verify', detail: 'count 600/600 (before 0 + acknowledged 600), recall@10 1.000 over 20 held-out queries' });

    expect(await verifyIntegrity(conn, s, 601, [])).toMatchObject({ countedRows: 600, countMatches: false, recall: null });
    expect(describeTarget(conn, { local: false })).toEqual({
      kind: 'milvus',
      address: server.address,
      serverVersion: 'protocol-test-server',
      description: 'Milvus',
    });
  });

  it('reuses a matching collection without ingesting again', async () => {
    const s = scenario('fresh', { collection: { replicas: 2 } });
    let prep: Awaited<ReturnType<typeof prepareCollection>> | undefined;
    const calls = await callsDuring(async () => (prep = await prepareCollection(conn, s)));
    expect(calls).not.toContain('Insert');
    expect(calls).not.toContain('CreateIndex');
    expect(calls).not.toContain('ReleaseCollection');
    expect(prep!.rows).toBe(600);
    expect(prep!.ingest).toMatchObject({ rows: 600, skipped: true });
    expect(prep!.steps.map((step) => `${step.step}: ${step.detail}`).slice(1, 4)).toEqual([
      "create: 'fresh' reused (600 rows)",
      'ingest: skipped: the row count already matches (600 rows)',
      'index: IVF_FLAT COSINE (existing)',
    ]);
  });

  it('replaces an index of another type and reloads with another replica count', async () => {
    const s = scenario('fresh', { collection: { index: { type: 'FLAT', params: {} }, replicas: 1 } });
    const calls = await callsDuring(() => prepareCollection(conn, s));
    expect(calls).toEqual(expect.arrayContaining(['ReleaseCollection', 'DropIndex', 'CreateIndex', 'LoadCollection']));
    expect(server.collections.get('fresh')!.loadedReplicas).toBe(1);
  });

  it('refuses a collection with another schema, saying what differs and what to do', async () => {
    const error = await rejection(() => prepareCollection(conn, scenario('fresh', { collection: { dim: 16 } })));
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toBe(
      "collection 'fresh' exists with another schema (vector dim is 12, the scenario wants 16); set collection.recreate: true to drop and recreate it, or choose another collection.name",
    );
  });

  it('refuses to append to a collection holding another number of rows, unless told to skip or recreate', async () => {
    const error = await rejection(() => prepareCollection(conn, scenario('fresh', { ingest: { rows: 700 } })));
    expect(error.message).toBe(
      "collection 'fresh' already holds 600 rows but ingest.rows is 700; set collection.recreate: true to rebuild it, or ingest.skip: true to use it as is",
    );
    const skipped = await prepareCollection(conn, scenario('fresh', { ingest: { rows: 700, skip: true } }));
    expect(skipped.rows).toBe(600);
    expect(skipped.steps.find((step) => step.step === 'ingest')!.detail).toBe('skipped: ingest.skip is set (600 rows)');

    const rebuilt = await prepareCollection(conn, scenario('fresh', { ingest: { rows: 700 }, collection: { recreate: true } }));
    expect(rebuilt.rows).toBe(700);
    expect(rebuilt.steps[1].detail).toBe("'fresh' dropped and created");
    expect(server.collections.get('fresh')!.ids).toHaveLength(700);
  });

  it('rejects contradictory or impossible requests before touching the server', async () => {
    const missing = await rejection(() => prepareCollection(conn, scenario('nothing_here', { ingest: { skip: true } })));
    expect(missing).toBeInstanceOf(TargetError);
    expect(missing.message).toBe(`ingest.skip is set but collection 'nothing_here' does not exist at ${server.address}`);
    const contradiction = await rejection(() => prepareCollection(conn, scenario('x', { ingest: { skip: true }, collection: { recreate: true } })));
    expect(contradiction).toBeInstanceOf(UsageError);
    const calls = await callsDuring(async () => {
      const wrongDim = await rejection(() =>
        prepareCollection(conn, scenario('from_file', { ingest: { vectors: { kind: 'file', path: join(dir, 'absent.fvecs'), format: 'fvecs' } } })),
      );
      expect(wrongDim).toBeInstanceOf(UsageError);
    });
    expect(calls).toEqual([]);
  });

  it('ingests from an .fvecs file and measures recall against it (L2)', async () => {
    const rows = 300;
    const data = vectorRows({ kind: 'random', seed: 8, distribution: 'normal' }, DIM, 0, rows);
    const bytes = Buffer.alloc(rows * (4 + DIM * 4));
    for (let r = 0; r < rows; r++) {
      bytes.writeInt32LE(DIM, r * (4 + DIM * 4));
      for (let d = 0; d < DIM; d++) bytes.writeFloatLE(data[r * DIM + d], r * (4 + DIM * 4) + 4 + d * 4);
    }
    const path = join(dir, 'data.fvecs');
    writeFileSync(path, bytes);
    const s = scenario('from_file', {
      collection: { metric: 'L2', index: { type: 'FLAT', params: {} }, scalars: [] },
      ingest: { rows, vectors: { kind: 'file', path, format: 'fvecs' } },
    });
    const prep = await prepareCollection(conn, s);
    expect(server.collections.get('from_file')!.vectors[0]).toEqual(data.subarray(0, DIM));
    const sample = exactNeighbours(s, makeQueryVectors(s, 10), Array.from({ length: 10 }, (_, i) => i), 10);
    expect(await verifyIntegrity(conn, s, prep.rows, sample)).toMatchObject({ countMatches: true, recall: 1, recallQueries: 10 });
  });

  it('records verification failures in the result instead of throwing', async () => {
    const s = scenario('gone');
    const integrity = await verifyIntegrity(conn, s, 10, [{ queryIndex: 0, ids: ['1'] }]);
    expect(integrity.countedRows).toBeNull();
    expect(integrity.recall).toBeNull();
    expect(integrity.error).toContain("count(*) on 'gone' failed: collection not found");
  });
});
