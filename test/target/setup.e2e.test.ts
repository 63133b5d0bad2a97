// prepareCollection + verifyIntegrity end to end: the real SDK over real gRPC against the local
// Milvus-compatible test cluster (separate OS processes, compiled from dist/ — build first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexType, Scenario } from '../../src/model/index.js';
import type { TargetConnection } from '../../src/target/index.js';
import { connectTarget, exactNeighbours, makeQueryVectors, prepareCollection, verifyIntegrity } from '../../src/target/index.js';
import { testScenario } from './scenario-fixture.js';

interface LocalCluster {
  address: string;
  down(): Promise<void>;
}
type StartLocalCluster = (options: { dataDir: string; port: number; proxies: number; querynodes: number }) => Promise<LocalCluster>;

const PORT = 19860;
const dataDir = mkdtempSync(join(tmpdir(), 'milvus-bench-target-e2e-'));
let cluster: LocalCluster | undefined;
let conn: TargetConnection | undefined;

beforeAll(async () => {
  const local = (await import(new URL('../../dist/local/index.js', import.meta.url).href)) as { startLocalCluster: StartLocalCluster };
  cluster = await local.startLocalCluster({ dataDir, port: PORT, proxies: 2, querynodes: 2 });
  conn = await connectTarget({ address: cluster.address, tls: false, connectTimeoutMs: 8000 });
});

afterAll(async () => {
  await conn?.close();
  await cluster?.down();
  rmSync(dataDir, { recursive: true, force: true });
});

function scenario(indexType: IndexType, params: Record<string, number>): Scenario {
  return testScenario({
    collection: {
      name: `target_e2e_${indexType.toLowerCase()}`,
      dim: 32,
      metric: 'L2',
      index: { type: indexType, params },
      replicas: 2,
      recreate: true,
      scalars: [
        { name: 'price', type: 'int64', min: 0, max: 1000 },
        { name: 'colour', type: 'varchar', values: ['red', 'green', 'blue'], maxLength: 16 },
      ],
    },
    ingest: { rows: 3000, batchSize: 500, parallelBatches: 2, vectors: { kind: 'random', seed: 17, distribution: 'clustered' } },
    phases: [
      {
        name: 'steady',
        mode: 'closed',
        concurrency: 1,
        durationMs: 1000,
        timeoutMs: 2000,
        operations: [{ kind: 'search', weight: 1, nq: 1, topK: 10, params: { nprobe: 16 }, outputFields: [] }],
      },
    ],
    verify: { recallQueries: 40 },
  });
}

describe('target stage against the local cluster', () => {
  it.each([
    ['FLAT', {}, 0.99],
    ['IVF_FLAT', { nlist: 32 }, 0.8],
  ] as const)('%s: sets up 3k rows, counts them all and finds the exact neighbours', async (indexType, params, minRecall) => {
    const s = scenario(indexType, params);
    const prep = await prepareCollection(conn!, s);
    expect(prep.steps.map((step) => step.step)).toEqual(['connect', 'create', 'ingest', 'flush', 'index', 'load']);
    expect(prep.rows).toBe(3000);
    expect(prep.ingest).toMatchObject({ rows: 3000, batches: 6, failedBatches: 0 });

    const queries = makeQueryVectors(s, 64);
    const sample = exactNeighbours(s, queries, Array.from({ length: 40 }, (_, i) => i), 10);
    const integrity = await verifyIntegrity(conn!, s, prep.rows, sample);
    expect(integrity).toMatchObject({ expectedRows: 3000, countedRows: 3000, countMatches: true, recallQueries: 40, topK: 10 });
    expect(integrity.error).toBeUndefined();
    expect(integrity.recall!).toBeGreaterThanOrEqual(minRecall);

    const again = await prepareCollection(conn!, { ...s, collection: { ...s.collection, recreate: false } });
    expect(again.ingest).toMatchObject({ rows: 3000, skipped: true });
  });
});
