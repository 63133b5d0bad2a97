// What a careless user types, through the real CLI: every mistake exits 2 with one to a few lines that name the file or
// flag, the field and what is allowed — no stack trace, no hang. Cases run as child processes, a few at a time.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, REPO_ROOT, runCli, scratchDir, writeFile } from './harness.js';

interface BadInput {
  name: string;
  args: string[];
  /** files to write into the case's folder, by relative path */
  files?: Record<string, string>;
  /** every line of the output that matters must mention these: the file or flag and the field path … */
  where: string[];
  /** … and the allowed values */
  allowed: string[];
}

const head = `import { defineScenario } from 'milvus-bench';\nexport default defineScenario(`;
/** A scenario file: `body` is what the user typed inside defineScenario({ … }). */
const scenario = (body: string) => `${head}{\n  name: 'oops',\n${body}\n});\n`;
const phases = `phases: [{ name: 'steady', duration: '5s', concurrency: 2 }],`;
const small = `collection: { dim: 8 }, ingest: { rows: 100 },`;
const config = (body: string) => `import { defineConfig } from 'milvus-bench';\nexport default defineConfig({ ${body} });\n`;
const smoke = join(REPO_ROOT, 'scenarios', 'smoke.ts');
const ha = join(REPO_ROOT, 'scenarios', 'ha-failover.ts');

const validate = (body: string): Pick<BadInput, 'args' | 'files'> => ({ args: ['validate', 's.ts'], files: { 's.ts': scenario(body) } });
const withConfig = (body: string, file = smoke): Pick<BadInput, 'args' | 'files'> => ({
  args: ['validate', file],
  files: { 'bench.config.ts': config(body) },
});
const fault = (entry: string, extra = ''): Pick<BadInput, 'args' | 'files'> =>
  validate(`${small}\n  phases: [{ duration: '60s', concurrency: 2 }],\n  faults: [${entry}],${extra}`);
const slo = (entry: string): Pick<BadInput, 'args' | 'files'> => validate(`${small}\n  ${phases}\n  slo: { ${entry} },`);

const CASES: BadInput[] = [
  // ── scenario fields ──────────────────────────────────────────────────────────────────────────────
  { name: 'typo in a collection key', ...validate(`collection: { dimm: 128 }, ${phases}`), where: ['s.ts', 'scenario.collection.dimm', 'did you mean "dim"'], allowed: ['name, dim, metric'] },
  { name: 'dim as a string', ...validate(`collection: { dim: '128' }, ${phases}`), where: ['s.ts', 'scenario.collection.dim', '"128"'], allowed: ['integers 1..32768'] },
  { name: 'dim above the Milvus limit', ...validate(`collection: { dim: 65536 }, ${phases}`), where: ['scenario.collection.dim', '65536'], allowed: ['integers 1..32768'] },
  { name: 'metric in lower case', ...validate(`collection: { metric: 'l2' }, ${phases}`), where: ['scenario.collection.metric', 'did you mean "L2"'], allowed: ['L2, IP, COSINE'] },
  { name: 'index type with a dash', ...validate(`collection: { index: { type: 'IVF-FLAT' } }, ${phases}`), where: ['scenario.collection.index.type', 'did you mean "IVF_FLAT"'], allowed: ['FLAT, IVF_FLAT, HNSW, AUTOINDEX'] },
  { name: 'nlist above 65536', ...validate(`${small.replace('dim: 8', "dim: 8, index: { type: 'IVF_FLAT', params: { nlist: 100000 } }")} ${phases}`), where: ['scenario.collection.index.params.nlist', '100000'], allowed: ['integers 1..65536'] },
  { name: 'HNSW M too large', ...validate(`collection: { dim: 8, index: { type: 'HNSW', params: { M: 128 } } }, ingest: { rows: 100 }, ${phases}`), where: ['scenario.collection.index.params.M'], allowed: ['integers 4..64'] },
  { name: 'nlist on a FLAT index', ...validate(`collection: { dim: 8, index: { type: 'FLAT', params: { nlist: 128 } } }, ingest: { rows: 100 }, ${phases}`), where: ['scenario.collection.index.params.nlist', 'FLAT'], allowed: ['no keys'] },
  { name: 'nprobe above nlist', ...validate(`collection: { dim: 8, index: { type: 'IVF_FLAT', params: { nlist: 128 } } }, ingest: { rows: 100 },\n  phases: [{ duration: '5s', concurrency: 2, operations: [{ search: { topK: 10, params: { nprobe: 256 } } }] }],`), where: ['scenario.phases[0].operations[0].search.params.nprobe', '256'], allowed: ['integers 1..128'] },
  { name: 'HNSW ef below topK', ...validate(`collection: { dim: 8, index: { type: 'HNSW' } }, ingest: { rows: 100 },\n  phases: [{ duration: '5s', concurrency: 2, operations: [{ search: { topK: 100, params: { ef: 16 } } }] }],`), where: ['search.params.ef', '16'], allowed: ['integers 100..32768'] },
  { name: 'topK above the Milvus limit', ...validate(`${small}\n  phases: [{ duration: '5s', concurrency: 2, operations: [{ search: { topK: 20000 } }] }],`), where: ['scenario.phases[0].operations[0].search.topK', '20000'], allowed: ['integers 1..16384'] },
  { name: 'more shards than Milvus allows', ...validate(`collection: { shards: 32 }, ${phases}`), where: ['scenario.collection.shards', '32'], allowed: ['integers 1..16'] },
  { name: 'varchar longer than Milvus allows', ...validate(`collection: { dim: 8, scalars: [{ name: 'tag', type: 'varchar', maxLength: 100000 }] }, ${phases}`), where: ['scenario.collection.scalars[0].maxLength', '100000'], allowed: ['integers 1..65535'] },
  { name: 'varchar values longer than maxLength', ...validate(`collection: { dim: 8, scalars: [{ name: 'tag', type: 'varchar', maxLength: 4, values: ['electronics'] }] }, ${phases}`), where: ['scenario.collection.scalars[0].values[0]'], allowed: ['at most 4 bytes'] },
  { name: 'scalar type "string"', ...validate(`collection: { scalars: [{ name: 'tag', type: 'string' }] }, ${phases}`), where: ['scenario.collection.scalars[0].type', '"string"'], allowed: ['int64, float, bool, varchar'] },
  { name: 'insert batch over the 64 MiB gRPC limit', ...validate(`collection: { dim: 768 }, ingest: { rows: 1000000, batchSize: 100000 }, ${phases}`), where: ['scenario.ingest.batchSize', '64 MiB'], allowed: ['at most 21788 rows per batch'] },
  { name: 'rows written as "10k"', ...validate(`ingest: { rows: '10k' }, ${phases}`), where: ['scenario.ingest.rows', '"10k"'], allowed: ['integers >= 0'] },
  { name: 'vector file of the wrong type', ...validate(`ingest: { vectors: { file: 'base.csv' } }, ${phases}`), where: ['scenario.ingest.vectors.file', 'base.csv'], allowed: ['.npy or .fvecs'] },
  { name: 'unknown vector distribution', ...validate(`ingest: { vectors: { random: { distribution: 'gaussian' } } }, ${phases}`), where: ['scenario.ingest.vectors.random.distribution', '"gaussian"'], allowed: ['uniform, normal, clustered'] },
  { name: 'vector file that does not exist', ...validate(`collection: { dim: 8 }, ingest: { rows: 10, vectors: { file: 'base.npy' } }, ${phases}`), where: ['scenario.ingest.vectors.file', 'base.npy'], allowed: ['dim 8 and at least 10 rows'] },
  { name: 'no phases at all', ...validate(small), where: ['scenario.phases', 'is required'], allowed: ['a list'] },
  { name: 'duration "5 sec"', ...validate(`phases: [{ duration: '5 sec', concurrency: 2 }],`), where: ['scenario.phases[0].duration', '"5 sec"', 'write "s"'], allowed: ['"20s"'] },
  { name: 'negative duration', ...validate(`phases: [{ duration: -10, concurrency: 2 }],`), where: ['scenario.phases[0].duration', 'negative'], allowed: ['"500ms"'] },
  { name: 'phase timeout above the 10 minute histogram ceiling', ...validate(`phases: [{ duration: '5s', concurrency: 2, timeout: '20m' }],`), where: ['scenario.phases[0].timeout', '"20m"'], allowed: ['up to 10m'] },
  { name: 'rate and concurrency in one phase', ...validate(`phases: [{ duration: '5s', concurrency: 2, rate: 100 }],`), where: ['scenario.phases[0].rate', 'cannot be combined'], allowed: ['either concurrency'] },
  { name: 'typo "serach" in an operation', ...validate(`phases: [{ duration: '5s', concurrency: 2, operations: [{ serach: { topK: 10 } }] }],`), where: ['scenario.phases[0].operations[0].serach', 'did you mean "search"'], allowed: ['search, query, weight'] },
  { name: 'phase named "search"', ...validate(`phases: [{ name: 'search', duration: '5s', concurrency: 2 }],`), where: ['scenario.phases[0].name', 'reserved'], allowed: ['any name but search'] },
  { name: 'metrics interval of 10ms', ...validate(`${phases} metrics: { interval: '10ms' },`), where: ['scenario.metrics.interval', '"10ms"'], allowed: ['100ms up to 60s'] },
  { name: 'recreate and skip together', ...validate(`collection: { recreate: true }, ingest: { skip: true }, ${phases}`), where: ['scenario.ingest.skip', 'recreate'], allowed: ['one of recreate and skip'] },
  { name: 'missing name', args: ['validate', 's.ts'], files: { 's.ts': `${head}{ ${phases} });\n` }, where: ['scenario.name', 'is required'], allowed: ['a non-empty string'] },

  // ── fault entries ────────────────────────────────────────────────────────────────────────────────
  { name: 'fault action "Kill"', ...fault(`{ at: '10s', action: 'Kill', target: { role: 'querynode' } }`), where: ['scenario.faults[0].action', 'did you mean "kill"'], allowed: ['kill, stop'] },
  { name: 'role "querynodes"', ...fault(`{ at: '10s', action: 'kill', target: { role: 'querynodes' } }`), where: ['scenario.faults[0].target.role', 'did you mean "querynode"'], allowed: ['proxy, querynode, datanode'] },
  { name: 'fault after the end of the load', ...fault(`{ at: '90s', action: 'kill', target: { role: 'querynode' } }`), where: ['scenario.faults[0].at', '90s'], allowed: ['times before 60s'] },
  { name: 'fault at "10 seconds"', ...fault(`{ at: '10 seconds', action: 'kill', target: { role: 'querynode' } }`), where: ['scenario.faults[0].at', 'write "s"'], allowed: ['"20s"'] },
  { name: 'pause without revertAfter', ...fault(`{ at: '10s', action: 'pause', target: { role: 'proxy' } }`), where: ['scenario.faults[0].revertAfter', 'is required for action "pause"'], allowed: ['a duration such as "10s"'] },
  { name: 'exec without a command', ...fault(`{ at: '10s', action: 'exec', target: { role: 'etcd' } }`), where: ['scenario.faults[0].command', 'is required'], allowed: ['a shell command'] },
  { name: 'pick "150%"', ...fault(`{ at: '10s', action: 'kill', target: { role: 'querynode', pick: '150%' } }`), where: ['scenario.faults[0].target.pick', '"150%"'], allowed: ['"1%" to "100%"'] },
  { name: 'signal without SIG', ...fault(`{ at: '10s', action: 'kill', target: { role: 'proxy' }, signal: 'KILL' }`), where: ['scenario.faults[0].signal', '"KILL"'], allowed: ['"SIGKILL"'] },
  { name: 'partition on the local backend', ...fault(`{ at: '10s', action: 'partition', target: { role: 'querynode' }, revertAfter: '5s' }`), where: ['s.ts', 'scenario.faults[0]', "'partition' is not supported by the local"], allowed: ['another faults.backend'] },
  { name: 'faults against a remote target with no backend', args: ['validate', ha], files: { 'bench.config.ts': config(`target: { address: 'milvus.example:19530' }`) }, where: ['bench.config.ts', 'faults.backend'], allowed: ['local, docker, kubernetes, chaos-mesh or process'] },

  // ── SLO strings ──────────────────────────────────────────────────────────────────────────────────
  { name: 'SLO threshold without an operator', ...slo(`'search.p99': '100ms'`), where: ['scenario.slo.search.p99', 'no comparison operator'], allowed: ['op <, <=, >, >=, ==, !='] },
  { name: 'SLO threshold in "sec"', ...slo(`'search.p99': '<1 sec'`), where: ['scenario.slo.search.p99', 'unknown unit "sec"'], allowed: ['unit ms, s, m or %'] },
  { name: 'SLO key typo "serach.p99"', ...slo(`'serach.p99': '<100ms'`), where: ['scenario.slo.serach.p99', 'did you mean "search.p99"'], allowed: ['or no phase prefix'] },
  { name: 'SLO for a phase that does not exist', ...slo(`'warmup.search.p99': '<100ms'`), where: ['scenario.slo.warmup.search.p99', 'no phase named "warmup"'], allowed: ['phase names steady'] },
  { name: 'recall with a time unit', ...slo(`recall: '>=95ms'`), where: ['scenario.slo.recall', 'not a ratio'], allowed: ['">=0.95"'] },
  { name: 'count: "yes"', ...slo(`count: 'yes'`), where: ['scenario.slo.count', '"yes"'], allowed: ['"exact"'] },

  // ── bench.config fields ──────────────────────────────────────────────────────────────────────────
  { name: 'config address without a port', ...withConfig(`target: { address: 'milvus' }`), where: ['bench.config.ts', 'config.target.address', '"milvus"'], allowed: ['host:port'] },
  { name: 'config typo "adress"', ...withConfig(`target: { adress: 'milvus:19530' }`), where: ['bench.config.ts', 'config.target.adress', 'did you mean "address"'], allowed: ['address, token'] },
  { name: 'config 100 proxies', ...withConfig(`local: { proxies: 100 }`), where: ['config.local.proxies', '100'], allowed: ['integers 1..16'] },
  { name: 'config workers "four"', ...withConfig(`workers: 'four'`), where: ['config.workers', '"four"'], allowed: ['integers 1..64'] },
  { name: 'config backend "kubernets"', ...withConfig(`faults: { backend: 'kubernets' }`), where: ['config.faults.backend', 'did you mean "kubernetes"'], allowed: ['local, docker, kubernetes, chaos-mesh, process, none'] },
  { name: 'config session TTL above 10 minutes', ...withConfig(`local: { sessionTtl: '20m' }`), where: ['config.local.sessionTtl', '"20m"'], allowed: ['200ms up to 10m'] },
  { name: 'config SLO with a bad threshold', ...withConfig(`slo: { 'search.p99': 'fast' }`), where: ['bench.config.ts', 'config.slo.search.p99', '"fast"'], allowed: ['e.g. "<100ms"'] },
  { name: 'config reportDir inside a file', args: ['validate', smoke], files: { 'bench.config.ts': config(`reportDir: 'notes.txt/reports'`), 'notes.txt': 'hello' }, where: ['bench.config.ts', 'config.reportDir', 'is a file, not a folder'], allowed: ['or --out'] },

  // ── flags ────────────────────────────────────────────────────────────────────────────────────────
  { name: '--concurency typo', args: ['run', smoke, '--concurency', '3'], where: ['--concurency', 'did you mean "--concurrency"'], allowed: ['--rate, --concurrency'] },
  { name: '--rate abc', args: ['run', smoke, '--rate', 'abc'], where: ['--rate', 'not a number'], allowed: ['numbers > 0'] },
  { name: '--concurrency 0', args: ['run', smoke, '--concurrency', '0'], where: ['--concurrency', '0 is too small'], allowed: ['integers >= 1'] },
  { name: '--duration 5sec', args: ['run', smoke, '--duration', '5sec'], where: ['--duration', '"5sec"'], allowed: ['"30s"'] },
  { name: '--target without a port', args: ['run', smoke, '--target', 'localhost', '--dry-run'], where: ['--target', '"localhost"'], allowed: ['host:port'] },
  { name: 'missing baseline and a budget of "lots"', args: ['run', smoke, '--dry-run', '--baseline', 'nope.json', '--max-regression', 'p99=lots'], where: ['--baseline', 'nope.json', '--max-regression', '"p99=lots"'], allowed: ['metric=N%'] },
  { name: '--max-regression without %', args: ['compare', 'a.json', 'b.json', '--max-regression', 'qps=5'], files: { 'a.json': '{}', 'b.json': '{}' }, where: ['--max-regression', '"qps=5"'], allowed: ['p99=10%'] },
  { name: '--max-regression without --baseline', args: ['run', smoke, '--max-regression', 'p99=10%'], where: ['--max-regression', 'without --baseline'], allowed: ['together with --baseline'] },
  { name: '--out inside a file', args: ['run', smoke, '--out', 'notes.txt/out'], files: { 'notes.txt': 'x' }, where: ['--out', 'is a file, not a folder'], allowed: ['a folder that exists or can be created'] },
  { name: '--rate with --concurrency', args: ['run', smoke, '--rate', '10', '--concurrency', '2'], where: ['--concurrency', 'cannot be combined with --rate'], allowed: ['--rate for open loop'] },
  { name: '--config file that does not exist', args: ['validate', smoke, '--config', 'missing.config.ts'], where: ['missing.config.ts', 'file not found'], allowed: [] },
  { name: 'validate with no scenario', args: ['validate'], where: ['validate', 'missing <scenario>'], allowed: ['a scenario file'] },
  { name: 'command typo "vaildate"', args: ['vaildate', 's.ts'], where: ['vaildate', 'did you mean "validate"'], allowed: ['run, validate, init, compare, report, local'] },
  { name: 'compare files that do not exist', args: ['compare', 'base.json', 'head.json'], where: ['<base>', 'base.json', '<head>', 'head.json', 'file not found'], allowed: ['result.json'] },
  { name: 'local kill with --signal KILL', args: ['local', 'kill', 'querynode-1', '--signal', 'KILL', '--data-dir', 'ld'], where: ['--signal', '"KILL"', 'did you mean "SIGKILL"'], allowed: ['SIGKILL, SIGTERM'] },
  { name: 'init --dir inside a file', args: ['init', '--dir', 'notes.txt/project'], files: { 'notes.txt': 'x' }, where: ['--dir', 'is a file, not a folder'], allowed: ['a folder'] },

  // ── files ────────────────────────────────────────────────────────────────────────────────────────
  { name: 'a JSON scenario', args: ['validate', 's.json'], files: { 's.json': '{ "name": "oops", "phases": [] }' }, where: ['s.json', '".json" files cannot be loaded'], allowed: ['.ts, .mts, .js, .mjs'] },
  { name: 'an empty file', args: ['validate', 'empty.ts'], files: { 'empty.ts': '' }, where: ['empty.ts', 'the file is empty'], allowed: ['export default defineScenario'] },
  { name: 'a syntax error', args: ['validate', 's.ts'], files: { 's.ts': `${head}{ name: 'oops', phases: [{ duration: '5s' concurrency: 2 }] });\n` }, where: ['s.ts', 'failed to load', 'line 2'], allowed: [] },
  { name: 'a file that throws on import', args: ['validate', 's.ts'], files: { 's.ts': `throw new Error('MILVUS_URL is not set');\n` }, where: ['s.ts', 'failed to load', 'MILVUS_URL is not set'], allowed: [] },
  { name: 'no default export', args: ['validate', 's.ts'], files: { 's.ts': `export const scenario = { name: 'oops' };\n` }, where: ['s.ts', 'no default export', '"scenario"'], allowed: ['export default defineScenario'] },
  { name: 'a default export that is a function', args: ['validate', 's.ts'], files: { 's.ts': `export default () => ({ name: 'oops' });\n` }, where: ['s.ts', 'is a function, not a scenario object'], allowed: ['export default defineScenario'] },
  { name: 'a scenario file that does not exist', args: ['run', 'scenarios/smoke.ts'], where: ['scenarios/smoke.ts', 'file not found'], allowed: [] },
  { name: 'a config with a syntax error', args: ['validate', smoke], files: { 'bench.config.ts': `export default { target: { address: 'milvus:19530' }\n` }, where: ['bench.config.ts', 'failed to load'], allowed: [] },
];

const results = new Map<string, CliRun & { dir: string }>();

/** Runs every case as a child process, at most `parallel` at once. */
async function runAll(cases: BadInput[], parallel: number): Promise<void> {
  const queue = [...cases];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const dir = scratchDir('bad-input');
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(next.files ?? {})) writeFile(dir, name, text);
      results.set(next.name, { ...(await runCli(next.args, { cwd: dir, timeoutMs: 30_000 })), dir });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

describe('bad input through the CLI', () => {
  beforeAll(() => runAll(CASES, 4), 240_000);

  it('has at least 60 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES)('$name', (bad) => {
    const run = results.get(bad.name)!;
    const output = `${run.stdout}${run.stderr}`;
    const lines = output.trim().split('\n');
    expect(run.code, output).toBe(2);
    expect(lines.length, output).toBeGreaterThanOrEqual(1);
    expect(lines.length, output).toBeLessThanOrEqual(4);
    expect(output).not.toMatch(/\n\s+at \S/);
    expect(output).not.toContain('internal error');
    expect(run.stdout).toBe('');
    for (const line of lines) expect(line).toMatch(/^milvus-bench: /);
    for (const text of [...bad.where, ...bad.allowed]) expect(output, output).toContain(text);
    if (bad.allowed.length > 0) expect(output).toContain('(allowed: ');
    expect(run.elapsedMs).toBeLessThan(30_000);
  });
});
