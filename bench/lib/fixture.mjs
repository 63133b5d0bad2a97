// What every bench shares: the bench collection's shape, LoadPlan/phase builders, flags, and the compiled code in dist/.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const COLLECTION = 'bench';
export const DIM = 8;
export const TOP_K = 10;
export const REPO = new URL('../../', import.meta.url);

/** imports a compiled module from dist/ (build first: npx tsc -p tsconfig.build.json) */
export async function fromDist(path) {
  const url = new URL(`dist/${path}`, REPO);
  if (!existsSync(url)) throw new Error(`bench: ${url.pathname} is missing; build first with \`npx tsc -p tsconfig.build.json\``);
  return import(url.href);
}

/** --quick, --seconds N, --minutes N, and the script's own `extra` flags: { '--name': (value) => parsed } (throws on bad) */
export function parseFlags(argv = process.argv.slice(2), extra = {}) {
  const flags = { quick: false };
  const known = ['--quick', '--seconds N', '--minutes N', ...Object.keys(extra).map((name) => `${name} V`)].join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') flags.quick = true;
    else if (arg === '--seconds' || arg === '--minutes') {
      const value = Number(argv[++i]);
      if (!(value > 0 && value <= 600)) throw new Error(`${arg} must be a number in (0, 600], got ${argv[i]}`);
      flags[arg.slice(2)] = value;
    } else if (Object.hasOwn(extra, arg)) {
      if (argv[i + 1] === undefined) throw new Error(`${arg} needs a value`);
      flags[arg.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = extra[arg](argv[++i]);
    } else throw new Error(`unknown flag ${arg} (known: ${known})`);
  }
  return flags;
}

/** parseFlags for a script's command line: a bad flag is one line on stderr and exit 2, not a stack trace */
export function cliFlags(extra = {}) {
  try {
    return parseFlags(process.argv.slice(2), extra);
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
}

/** `params`: the index's search parameters, e.g. { nprobe: 16 } for IVF_FLAT */
export function searchOp(params = {}) {
  return { kind: 'search', weight: 1, nq: 1, topK: TOP_K, params, outputFields: [] };
}

export function closedPhase(name, concurrency, durationMs, timeoutMs = 10_000, params = {}) {
  return { name, mode: 'closed', concurrency, durationMs, timeoutMs, operations: [searchOp(params)] };
}

export function openPhase(name, rate, durationMs, { maxInFlight = 10_000, timeoutMs = 10_000, slowMs } = {}) {
  return { name, mode: 'open', rate, maxInFlight, durationMs, timeoutMs, ...(slowMs !== undefined ? { slowMs } : {}), operations: [searchOp()] };
}

/** the Search request bytes the worker path would send for one query vector, for the hand-written clients */
export async function searchRequestBytes(address) {
  return (await searchRequests(address))[0];
}

/** the Search request bytes the worker path would send, one per query vector (nq 1 each) */
export async function searchRequests(address, { collection = COLLECTION, params = {}, vectors = [Array.from({ length: DIM }, (_, i) => i / DIM)] } = {}) {
  const load = await fromDist('load/index.js');
  const channel = new load.MilvusChannel({ address, tls: false });
  try {
    const decoded = load.decodeDescribeCollection(await channel.callAsync('DescribeCollection', load.describeCollectionRequest(collection), 5_000));
    if ('reason' in decoded) throw new Error(`bench: cannot describe ${collection}: ${decoded.reason}`);
    const target = { collectionName: collection, vectorField: 'vector', metric: 'L2' };
    return vectors.map((vector) => load.encodeSearchRequest(target, searchOp(params), [vector], decoded.info));
  } finally {
    channel.close();
  }
}

/** query vectors in a SharedArrayBuffer, as the run stage hands them to workers */
export function queryVectors(count, dim = DIM) {
  const queries = new Float32Array(new SharedArrayBuffer(count * dim * 4));
  for (let i = 0; i < queries.length; i++) queries[i] = (i * 0.618) % 1;
  return queries;
}

/** the same query vectors as plain arrays, for the SDK and the hand-written clients */
export function queryRows(count, dim = DIM) {
  const flat = queryVectors(count, dim);
  return Array.from({ length: count }, (_, i) => Array.from(flat.subarray(i * dim, (i + 1) * dim)));
}

export function loadPlan(address, phases, { workers = 1, intervalMs = 1000, rows = TOP_K, collection = COLLECTION, dim = DIM, pkField = 'id', vectorField = 'vector', metric = 'L2' } = {}) {
  return {
    address,
    tls: false,
    collection: { name: collection, dim, metric, pkField, vectorField, rows },
    phases,
    workers,
    intervalMs,
    queries: queryVectors(64, dim),
  };
}

export function machine() {
  const model = /model name\s*:\s*(.*)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? cpus()[0]?.model ?? 'unknown';
  let nproc = cpus().length;
  try {
    nproc = Number(execSync('nproc', { encoding: 'utf8' }).trim());
  } catch {}
  return { nproc, node: process.version, cpu: model, loadavg: loadavg().map((l) => l.toFixed(2)).join(' ') };
}

export function printMachine(title) {
  const m = machine();
  console.log(`\n== ${title} ==`);
  console.log(`machine: ${m.nproc} cpu (${m.cpu}), node ${m.node}, load average ${m.loadavg}`);
}

/** prints rows (objects) as an aligned table */
export function printTable(rows) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const cell = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v >= 100 ? 0 : v >= 1 ? 2 : 3)) : String(v ?? '–'));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values) => values.map((v, i) => v.padStart(widths[i])).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))));
}

export function verdict(ok) {
  return ok ? 'PASS' : 'MISS';
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
