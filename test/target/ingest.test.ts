import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterEach, describe, expect, it } from 'vitest';
import { TargetError } from '../../src/errors.js';
import type { Scenario } from '../../src/model/index.js';
import type { IngestProgress, TargetConnection } from '../../src/target/index.js';
import { connectTarget, exactNeighbours, makeQueryVectors, vectorRows } from '../../src/target/index.js';
import { createCollection } from '../../src/target/collection.js';
import { ingestRows } from '../../src/target/ingest.js';
import { forgetRows, rememberRows } from '../../src/target/row-ids.js';
import type { ProtocolServer, ProtocolServerOptions } from './protocol-server.js';
import { startProtocolServer } from './protocol-server.js';
import { testScenario } from './scenario-fixture.js';

const DIM = 8;

function scenario(rows: number, ingest: Partial<Scenario['ingest']> = {}, autoId = false): Scenario {
  return testScenario({
    collection: { name: 'ingest_test', dim: DIM, autoId },
    ingest: { rows, parallelBatches: 3, vectors: { kind: 'random', seed: 21, distribution: 'uniform' }, ...ingest },
  });
}

let server: ProtocolServer | undefined;
let conn: TargetConnection | undefined;

async function connect(options: ProtocolServerOptions = {}, autoId = false, poolSize?: number): Promise<TargetConnection> {
  server = await startProtocolServer(options);
  conn = await connectTarget({ address: server.address, tls: false, connectTimeoutMs: 5000 }, { poolSize });
  await createCollection(conn, scenario(1, {}, autoId).collection);
  return conn;
}

const stored = () => server!.collections.get('ingest_test')!;
const storedIds = () => stored().ids.map(Number);

afterEach(async () => {
  await conn?.close();
  await server?.close();
  conn = undefined;
  server = undefined;
});

describe('ingestRows through the SDK over gRPC', () => {
  it('inserts every row once, in batches of batchSize, with the generated vectors, and summarises batch latency', async () => {
    const c = await connect({ insertDelayMs: 5 });
    expect(c.serverVersion).toBe('protocol-test-server');
    const progress: IngestProgress[] = [];
    const { result, rowIds } = await ingestRows(c, scenario(1050), { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ rows: 1050, batches: 11, failedBatches: 0, skipped: false });
    expect(rowIds).toBeNull();
    expect([...storedIds()].sort((a, b) => a - b)).toEqual(Array.from({ length: 1050 }, (_, i) => i));
    expect([...server!.insertSizes].sort((a, b) => a - b)).toEqual([50, ...Array(10).fill(100)]);
    const vectors = vectorRows(scenario(1).ingest.vectors, DIM, 0, 1050);
    for (const row of [0, 99, 100, 777, 1049]) {
      const at = storedIds().indexOf(row);
      expect(stored().vectors[at]).toEqual(vectors.subarray(row * DIM, (row + 1) * DIM));
    }

    expect(result.batchLatency!.p50).toBeGreaterThanOrEqual(4);
    expect(result.batchLatency!.max).toBeGreaterThanOrEqual(result.batchLatency!.min);
    const histogram = decodeFromCompressedBase64(result.batchHistogram!);
    expect(histogram.totalCount).toBe(11);
    expect(histogram.minNonZeroValue).toBeGreaterThanOrEqual(4000); // microseconds
    expect(result.rowsPerSec).toBeGreaterThan(0);

    const last = progress.at(-1)!;
    expect(last).toMatchObject({ rows: 1050, total: 1050, etaMs: 0 });
    expect(progress.map((p) => p.rows)).toEqual([...progress.map((p) => p.rows)].sort((a, b) => a - b));
  });

  it('calls the progress callback at most about ten times a second', async () => {
    const c = await connect({ insertDelayMs: 2 });
    const progress: IngestProgress[] = [];
    const started = performance.now();
    await ingestRows(c, scenario(3000, { batchSize: 20, parallelBatches: 2 }), { onProgress: (p) => progress.push(p) });
    const elapsedS = (performance.now() - started) / 1000;
    expect(server!.insertCalls).toBe(150);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsedS * 10) + 2);
    expect(progress.length).toBeLessThan(150);
  });

  it('keeps parallelBatches inserts in flight, but no more than the connection pool holds', async () => {
    const c = await connect({ insertDelayMs: 40 });
    await ingestRows(c, scenario(1200, { parallelBatches: 4 }));
    expect(server!.maxConcurrentInserts).toBe(4);
    await c.close();
    await server!.close();
    const small = await connect({ insertDelayMs: 40 }, false, 2);
    await ingestRows(small, scenario(1200, { parallelBatches: 8 }));
    expect(server!.maxConcurrentInserts).toBe(2);
  });

  it('retries a failed batch and counts it', async () => {
    const c = await connect({ failInsert: (call) => (call === 2 || call === 3 ? 'injected failure' : null) });
    const { result } = await ingestRows(c, scenario(500, { parallelBatches: 1 }));
    expect(result.rows).toBe(500);
    expect(result.failedBatches).toBe(1);
    expect(server!.insertCalls).toBe(7);
    expect(new Set(storedIds()).size).toBe(500);
  });

  it('fails with a TargetError naming the rows after the bounded retries', async () => {
    const c = await connect({ failInsert: (call) => (call >= 3 ? 'segment full' : null) });
    const error = await ingestRows(c, scenario(1000, { parallelBatches: 1 }), { maxRetries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toBe("insert of rows 200..299 into 'ingest_test' failed after 3 attempts: insert failed: segment full");
    expect(server!.insertCalls).toBe(5);
  });

  it('stops taking batches when aborted', async () => {
    const c = await connect({ insertDelayMs: 20 });
    const abort = new AbortController();
    const run = ingestRows(c, scenario(5000, { batchSize: 50, parallelBatches: 2 }), {
      signal: abort.signal,
      onProgress: (p) => p.rows >= 200 && abort.abort(),
    });
    await expect(run).rejects.toThrow('interrupted during ingest');
    expect(server!.insertCalls).toBeLessThan(40);
  });

  it('remembers the keys the server assigned with autoId, so exact neighbours can name them', async () => {
    const c = await connect({}, true);
    const s = scenario(300, {}, true);
    const { rowIds } = await ingestRows(c, s);
    expect(rowIds).toHaveLength(300);
    expect(new Set(rowIds).size).toBe(300);
    expect(rowIds).toEqual(stored().ids);
    rememberRows(s.collection.name, 300, rowIds!);
    const [neighbours] = exactNeighbours(s, makeQueryVectors(s, 1), [0], 3);
    expect(neighbours.ids.every((id) => rowIds!.includes(id))).toBe(true);
    forgetRows(s.collection.name);
  });
});
