// Bench 7, ingest on the local Milvus-compatible test cluster (not Milvus): rows/s of the tool's ingest
// (prepareCollection's ingest step: generated rows, parallel batches, retries, latency histogram) vs a plain SDK
// insert loop with the same batch size — one batch at a time (what a user writes first) and with the same
// number of batches in flight — into the same collection.
// Run: node bench/ingest.mjs [--quick]   (build first: npx tsc -p tsconfig.build.json)
import { cliFlags, printMachine, printTable, verdict } from './lib/fixture.mjs';
import { connect, prepareBenchCollection, target, withLocalCluster } from './lib/local.mjs';

const PORT = 19902;
const DIM = 64;
const BATCH = 1000;
const LANES = 4;
const REPETITIONS = 3;

function randomRows(firstId, count) {
  return Array.from({ length: count }, (_, i) => ({ [target.PK_FIELD]: firstId + i, [target.VECTOR_FIELD]: Array.from({ length: DIM }, Math.random) }));
}

/** the plain loop: `lanes` async loops, each `await client.insert()` of the next batch */
async function plainInsertLoop(client, collection, firstId, rows, lanes) {
  let next = 0;
  const startMs = performance.now();
  const lane = async () => {
    while (next < rows) {
      const start = next;
      next += BATCH;
      const count = Math.min(BATCH, rows - start);
      const reply = await client.insert({ collection_name: collection, data: randomRows(firstId + start, count) });
      if (reply.status.error_code !== 'Success') throw new Error(`insert failed: ${reply.status.reason}`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return (rows * 1000) / (performance.now() - startMs);
}

export async function runIngest(flags) {
  const rows = flags.quick ? 20_000 : 100_000;
  printMachine(`ingest on the local test cluster (not Milvus): ${rows.toLocaleString('en')} rows × ${DIM} dims, batch ${BATCH}, best of ${REPETITIONS}`);
  let result = null;
  await withLocalCluster({ port: PORT, proxies: 1, querynodes: 1 }, async ({ address }) => {
    const collection = 'bench_ingest';
    const best = { tool: 0, sequential: 0, parallel: 0 };
    const conn = await connect(address);
    try {
      // alternating repetitions, best of each: warm-up and the machine's noise hit all three alike
      for (let rep = 0; rep < REPETITIONS; rep++) {
        const { prepared } = await prepareBenchCollection(address, { collection, rows, dim: DIM, batchSize: BATCH, parallelBatches: LANES });
        best.tool = Math.max(best.tool, prepared.ingest.rowsPerSec);
        best.sequential = Math.max(best.sequential, await plainInsertLoop(conn.client, collection, rows, rows, 1));
        best.parallel = Math.max(best.parallel, await plainInsertLoop(conn.client, collection, 2 * rows, rows, LANES));
      }
      result = {
        'tool rows/s': best.tool,
        'SDK loop, 1 in flight rows/s': best.sequential,
        [`SDK loop, ${LANES} in flight rows/s`]: best.parallel,
        'tool / 1 in flight': best.tool / best.sequential,
        [`tool / ${LANES} in flight`]: best.tool / best.parallel,
        'goal ≥ 1.0 (same parallelism)': verdict(best.tool / best.parallel >= 1.0),
      };
    } finally {
      await conn.close();
    }
  });
  printTable([result]);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runIngest(cliFlags());
  process.exit(0);
}
