// Recall through the CLI on the local cluster (a Milvus-protocol test target, not Milvus) with data whose
// neighbours the test knows on its own: rows on a line, held-out queries between them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/index.js';
import { runCli, scratchDir, writeFile, writeLocalConfig } from './harness.js';

const PORT = 19947;
const DIM = 8;
const ROWS = 1000;
/** held-out queries: the file's rows after the ingested ones, at q + 0.25 on the line for q = 3, 23, 43 … 983 */
const QUERIES = Array.from({ length: 50 }, (_, j) => 20 * j + 3 + 0.25);
const dir = scratchDir('recall');

/** float32 .npy, shape (rows, dim) */
function writeNpy(path: string, rows: number[][]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, ${DIM}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = Buffer.from(new Float32Array(rows.flat()).buffer);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]));
}

const onLine = (x: number) => [x, ...new Array<number>(DIM - 1).fill(0)];

/** the k rows nearest to x among those `allowed`, by the test's own arithmetic */
function nearest(x: number, k: number, allowed: (id: number) => boolean = () => true): number[] {
  return Array.from({ length: ROWS }, (_, id) => id).filter(allowed).sort((a, b) => Math.abs(a - x) - Math.abs(b - x) || a - b).slice(0, k);
}

beforeAll(async () => {
  writeNpy(join(dir, 'line.npy'), [...Array.from({ length: ROWS }, (_, i) => onLine(i)), ...QUERIES.map(onLine)]);
  writeLocalConfig(dir, PORT);
  const up = await runCli(['local', 'up', '--detach', '--port', String(PORT)], { cwd: dir, timeoutMs: 60_000 });
  expect(up.code, up.stderr).toBe(0);
});

afterAll(async () => {
  await runCli(['local', 'down'], { cwd: dir, timeoutMs: 30_000 });
});

describe('recall through the CLI (local cluster, known neighbours)', () => {
  it('held-out queries: exact search gives recall 1 after the load; a filtered load gives the recall the test computes itself', async () => {
    const file = writeFile(
      dir,
      'line.ts',
      `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: 'line',
  collection: { name: 'recall_line', dim: ${DIM}, metric: 'L2', index: { type: 'FLAT' }, recreate: true },
  ingest: { rows: ${ROWS}, batchSize: 500, vectors: { file: 'line.npy' } },
  warmup: '500ms',
  phases: [{ name: 'filtered', duration: '3s', concurrency: 2, operations: [{ search: { topK: 10, filter: 'id < 500' } }] }],
  verify: { count: true, recallQueries: ${QUERIES.length}, spotChecks: 50 },
  slo: { recall: '>=0.99', count: 'exact' },
});
`,
    );
    const cli = await runCli(['run', file, '--out', 'reports/line'], { cwd: dir, timeoutMs: 120_000 });
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'reports/line/result.json'), 'utf8')) as RunResult;
    expect(result.integrity).toMatchObject({ heldOut: 'file-tail', recallQueries: QUERIES.length, recall: 1, countBefore: 0, acknowledged: ROWS, countedRows: ROWS, spotMissing: [] });
    // during the load the server only searches id < 500: per query, the share of its true neighbours below 500
    const expected = QUERIES.map((x) => nearest(x, 10).filter((id) => nearest(x, 10, (i) => i < 500).includes(id)).length / 10);
    const mean = expected.reduce((a, b) => a + b, 0) / expected.length;
    expect(mean).toBeCloseTo(0.502, 3);
    const phase = result.phases[0];
    expect(phase.recall!.queries).toBeGreaterThanOrEqual(QUERIES.length);
    // queries are sampled about equally often (a cyclic order over the query set): within a few points of the mean
    expect(Math.abs(phase.recall!.value - mean)).toBeLessThan(0.05);
  });
});
