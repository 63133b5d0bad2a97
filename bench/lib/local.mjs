// The local Milvus-compatible test cluster (not Milvus) for the benches that need a real target: start it in a
// temporary data dir, prepare a collection through the tool's own target stage, and always take it down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromDist } from './fixture.mjs';

const local = await fromDist('local/index.js');
const target = await fromDist('target/index.js');
const scenarios = await fromDist('scenario/index.js');

/** runs `body({ address, dataDir })` against a fresh local cluster and takes it down afterwards, also on failure,
 * SIGINT and SIGTERM; `more` goes to startLocalCluster as it is (e.g. engine: 'milvus', topology, readyTimeoutMs) */
export async function withLocalCluster({ port, proxies = 1, querynodes = 1, autoRestart = false, ...more }, body) {
  const dataDir = mkdtempSync(join(tmpdir(), 'milvus-bench-bench-'));
  let cluster = null;
  const down = () => (cluster ? cluster.down() : local.downLocalCluster(dataDir)).catch(() => undefined);
  const onSignal = async () => {
    await down();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    cluster = await local.startLocalCluster({ dataDir, port, proxies, querynodes, autoRestart, detach: true, ...more });
    return await body({ address: cluster.address, dataDir });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await down();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** a resolved Scenario for `collection`, validated by the tool's own schema */
export function benchScenario({ collection, rows, dim, batchSize = 1000, parallelBatches = 4, index = { type: 'FLAT' }, replicas = 1 }) {
  const { value, errors } = scenarios.validateScenario(
    {
      name: `bench-${collection}`,
      collection: { name: collection, dim, metric: 'L2', index, replicas, recreate: true },
      ingest: { rows, batchSize, parallelBatches, vectors: { random: { seed: 1, distribution: 'uniform' } } },
      phases: [{ name: 'load', duration: '1s', concurrency: 1, operations: [{ search: { nq: 1, topK: 10 } }] }],
    },
    'bench',
  );
  if (!value) throw new Error(`bench scenario is invalid: ${errors.join('; ')}`);
  return value;
}

export async function connect(address) {
  return target.connectTarget({ address, tls: false, connectTimeoutMs: 15_000 });
}

/** creates, ingests, flushes, indexes and loads through prepareCollection; → { prepared, scenario } */
export async function prepareBenchCollection(address, options) {
  const scenario = benchScenario(options);
  const conn = await connect(address);
  try {
    const prepared = await target.prepareCollection(conn, scenario);
    return { prepared, scenario };
  } finally {
    await conn.close();
  }
}

export { local, target };
