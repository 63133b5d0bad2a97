// Engine search benchmark for the local Milvus-compatible test cluster (not Milvus): IVF_FLAT vs FLAT on the same data.
// Run:  node --import jiti/register bench/engine-search.ts [--rows 100000] [--dim 128] [--queries 200] [--nlist 128] [--segment-rows 16384]
//        [--clusters 128] [--sigma 0.05] [--uniform 0]   (clustered defaults = src/target/vectors.ts `clustered`)
// Prints, per data set (uniform [0,1) and a clustered Gaussian mixture): index build time, µs/query for FLAT and for
// IVF at several nprobe values, the ratio, and recall@10 against the FLAT (exact) results.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectionReader, CollectionStore, seededRandom, type IndexType, type SearchResult } from '../src/local/engine/index.js';

const args = new Map<string, number>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), Number(process.argv[i + 1]));
const rows = args.get('rows') ?? 100_000;
const dim = args.get('dim') ?? 128;
const queries = args.get('queries') ?? 200;
const nlist = args.get('nlist') ?? 128;
const segmentRows = args.get('segment-rows') ?? 16_384;
const sigma = args.get('sigma') ?? 0.05;
const clusters = args.get('clusters') ?? 128;
const withUniform = args.get('uniform') !== 0;
const nprobes = [1, 2, 4, 8, 16, 32, 64, 96];
const topK = 10;

function uniform(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count * dim }, random);
}

/** `clusters` centres in [0,1)^dim, points at σ (per dimension) around them; clusters start to overlap at σ ≈ 0.3. */
function clustered(count: number, seed: number): Float32Array {
  const random = seededRandom(7);
  const centres = Float32Array.from({ length: clusters * dim }, random);
  const noise = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - noise())) * Math.cos(2 * Math.PI * noise());
  const out = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const c = Math.floor(noise() * clusters);
    for (let i = 0; i < dim; i++) out[r * dim + i] = centres[c * dim + i]! + sigma * gauss();
  }
  return out;
}

async function loadCollection(dataDir: string, name: string, vectors: Float32Array, type: IndexType): Promise<{ reader: CollectionReader; buildMs: number }> {
  const store = await CollectionStore.open(dataDir, { segmentRows });
  await store.createCollection({ name, fields: [{ name: 'id', type: 'int64', isPrimary: true }, { name: 'vec', type: 'float_vector', dim }] });
  for (let start = 0; start < rows; start += 10_000) {
    const end = Math.min(rows, start + 10_000);
    const id = Array.from({ length: end - start }, (_, i) => start + i);
    await store.append(name, { rowCount: end - start, columns: { id, vec: vectors.subarray(start * dim, end * dim) } });
  }
  await store.flush(name);
  const started = performance.now();
  await store.createIndex(name, { field: 'vec', type, metric: 'L2', params: { nlist } });
  const buildMs = performance.now() - started;
  await store.close();
  return { reader: await CollectionReader.open(dataDir, name), buildMs };
}

function timeSearches(reader: CollectionReader, query: Float32Array, nprobe: number, filter?: string): { usPerQuery: number; results: SearchResult } {
  const results: SearchResult = [];
  const search = (q: number): SearchResult => reader.search({ vectors: query.subarray(q * dim, (q + 1) * dim), topK, params: { nprobe }, ...(filter ? { filter } : {}) });
  for (let q = 0; q < Math.min(20, queries); q++) search(q); // warm-up
  const started = performance.now();
  for (let q = 0; q < queries; q++) results.push(search(q)[0]!);
  return { usPerQuery: ((performance.now() - started) * 1000) / queries, results };
}

function recallAt10(truth: SearchResult, got: SearchResult): number {
  let found = 0;
  for (let q = 0; q < truth.length; q++) {
    const expected = new Set(truth[q]!.map((h) => h.id));
    found += got[q]!.filter((h) => expected.has(h.id)).length;
  }
  return found / (truth.length * topK);
}

async function benchDataSet(label: string, vectors: Float32Array, query: Float32Array): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'engine-bench-'));
  try {
    const flat = await loadCollection(dataDir, 'flat', vectors, 'FLAT');
    const ivf = await loadCollection(dataDir, 'ivf', vectors, 'IVF_FLAT');
    const reloadStarted = performance.now();
    await CollectionReader.open(dataDir, 'ivf'); // what a restarted querynode does: read segments + persisted indexes
    const reloadMs = performance.now() - reloadStarted;
    const exact = timeSearches(flat.reader, query, 1);
    console.log(`\n${label}: ${rows} × ${dim}, ${ivf.reader.segments().length} segments of ≤ ${segmentRows} rows, nlist ${nlist}/segment`);
    console.log(`  IVF_FLAT build: ${(ivf.buildMs / 1000).toFixed(2)} s   reload from files: ${reloadMs.toFixed(0)} ms   FLAT: ${exact.usPerQuery.toFixed(0)} µs/query (exact, recall 1.000)`);
    for (const nprobe of nprobes) {
      const run = timeSearches(ivf.reader, query, nprobe);
      const ratio = exact.usPerQuery / run.usPerQuery;
      console.log(`  IVF nprobe ${String(nprobe).padStart(3)}: ${run.usPerQuery.toFixed(0).padStart(6)} µs/query  ${ratio.toFixed(1).padStart(5)}× faster  recall@10 ${recallAt10(exact.results, run.results).toFixed(3)}`);
    }
    const filter = `id >= ${Math.floor(rows / 2)}`;
    const filtered = timeSearches(ivf.reader, query, 4, filter);
    const filteredExact = timeSearches(flat.reader, query, 1, filter);
    console.log(`  filtered "${filter}": FLAT ${filteredExact.usPerQuery.toFixed(0)} µs/query, IVF nprobe 4 ${filtered.usPerQuery.toFixed(0)} µs/query, recall@10 ${recallAt10(filteredExact.results, filtered.results).toFixed(3)}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (withUniform) await benchDataSet('uniform [0,1)', uniform(rows, 1), uniform(queries, 2));
await benchDataSet(`clustered (${clusters} Gaussian centres, σ ${sigma})`, clustered(rows, 3), clustered(queries, 4));
