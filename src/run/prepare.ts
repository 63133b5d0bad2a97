// Everything a run needs before touching the network: flags, config, scenario, flag overrides, parsed SLOs.
import { resolve } from 'node:path';
import type { RunFlags } from './options.js';
import { UsageError } from '../errors.js';
import { isLocalAddress } from '../model/address.js';
import type { BenchConfig, RunOverrides, Scenario } from '../scenario/index.js';
import { applyOverrides, loadConfig, loadScenario } from '../scenario/index.js';
import type { ParsedSlo } from '../slo/index.js';
import { parseSlos } from '../slo/index.js';
import { FlagProblems, folderProblem } from './flags.js';

const FAULT_BACKENDS = 'local, docker, kubernetes, chaos-mesh or process';

export interface PreparedRun {
  scenario: Scenario;
  config: BenchConfig;
  slos: ParsedSlo[];
}

export async function prepareRun(flags: Pick<RunFlags, 'scenario' | 'config'> & Partial<RunFlags>): Promise<PreparedRun> {
  const overrides = await checkRunFlags(flags);
  if (flags.baseline !== undefined) await readBaseline(flags.baseline);
  const config = await loadConfig(flags.config);
  const loaded = await loadScenario(flags.scenario);
  const { scenario, config: effectiveConfig } = applyOverrides(loaded, config, overrides);
  if (flags.out === undefined) checkReportDir(effectiveConfig);
  const slos = parseAllSlos(scenario, effectiveConfig, flags.scenario);
  await checkVectors(scenario, flags.scenario);
  await checkFaultSupport(scenario, effectiveConfig, flags.scenario);
  return { scenario, config: effectiveConfig, slos };
}

/** The vector file's dim and row count, before a server is involved (the ingest checks it again). */
// target/, faults/ and the local cluster load only when needed: `validate` and flag errors stay fast.
async function checkVectors(scenario: Scenario, scenarioFile: string): Promise<void> {
  const { vectors, rows, skip } = scenario.ingest;
  if (skip || vectors.kind !== 'file') return;
  const { checkVectorFile } = await import('../target/index.js');
  try {
    checkVectorFile(vectors.path, vectors.format, scenario.collection.dim, rows);
  } catch (error) {
    if (error instanceof UsageError) {
      const problem = error.message.replace(/^ingest\.vectors\.path: /, '');
      const allowed = `a float32 .${vectors.format} file with dim ${scenario.collection.dim} and at least ${rows} rows`;
      throw new UsageError(`${scenarioFile}: scenario.ingest.vectors.file: ${problem} (allowed: ${allowed})`);
    }
    throw error;
  }
}

/** Whether the configured fault backend can perform every fault (no connection: backends connect in preflight). */
async function checkFaultSupport(scenario: Scenario, config: BenchConfig, scenarioFile: string): Promise<void> {
  if (scenario.faults.length === 0) return;
  const { createFaultBackend } = await import('../faults/index.js');
  const localDataDir = isLocalAddress(config.target.address) ? resolve(config.local.dataDir) : undefined;
  const localCluster =
    localDataDir && config.faults.backend === 'local' ? (await import('../target/local-cluster.js')).localClusterControl(localDataDir) : undefined;
  try {
    const backend = await createFaultBackend(config, { ...(localCluster ? { localCluster } : {}), faults: scenario.faults });
    await backend.close();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const configFile = config.file ?? 'config';
    const backend = config.faults.backend;
    const lines = error.problems.map((problem) => {
      if (problem.startsWith('faults[')) {
        const allowed = problem.includes('(allowed:') ? '' : ` (allowed: an action the ${backend} backend supports, or another faults.backend in ${configFile})`;
        return `${scenarioFile}: scenario.${problem}${allowed}`;
      }
      const allowed = problem.includes('(allowed:') ? '' : ` (allowed: faults.backend ${FAULT_BACKENDS}, with faults.allow naming where)`;
      return `${configFile}: config.${problem.replace(/^config\./, '')}${allowed}`;
    });
    throw new UsageError(lines.length === 1 ? lines[0]! : `${lines.length} problems with the faults`, lines);
  }
}

/** Every flag value, all problems at once, before any file is read. */
async function checkRunFlags(flags: Partial<RunFlags>): Promise<RunOverrides> {
  const problems = new FlagProblems();
  const overrides: RunOverrides = {};
  const durationMs = problems.duration('duration', flags.duration);
  const rate = problems.number('rate', flags.rate, { min: 0, exclusiveMin: true });
  const concurrency = problems.number('concurrency', flags.concurrency, { integer: true, min: 1 });
  const workers = problems.number('workers', flags.workers, { integer: true, min: 1, max: 64 });
  if (flags.rate !== undefined && flags.concurrency !== undefined) {
    problems.add('concurrency', 'cannot be combined with --rate (allowed: --rate for open loop or --concurrency for closed loop)');
  }
  problems.target(flags.target);
  problems.outputFolder('out', flags.out);
  problems.inputFile('baseline', flags.baseline, 'the result.json of an earlier run');
  await problems.budgets('max-regression', flags.maxRegression);
  if (flags.maxRegression !== undefined && flags.baseline === undefined) {
    problems.add('max-regression', 'is given without --baseline (allowed: --max-regression together with --baseline base.json)');
  }
  problems.throwIfAny();
  if (flags.target !== undefined) overrides.target = flags.target;
  if (flags.out !== undefined) overrides.out = flags.out;
  if (durationMs !== undefined) overrides.durationMs = durationMs;
  if (rate !== undefined) overrides.rate = rate;
  if (concurrency !== undefined) overrides.concurrency = concurrency;
  if (workers !== undefined) overrides.workers = workers;
  return overrides;
}

async function readBaseline(file: string): Promise<void> {
  const { readResultFile } = await import('./report-commands.js');
  try {
    await readResultFile(file);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`--baseline: ${error.message}`);
    throw error;
  }
}

function checkReportDir(config: BenchConfig): void {
  const problem = folderProblem(config.reportDir);
  if (problem) throw new UsageError(`${config.file ?? 'config'}: config.reportDir: ${problem} (allowed: a folder that can be created and written, or --out)`);
}

/** SLO keys of the config and of the scenario (the scenario's win), each problem named in its own file. */
function parseAllSlos(scenario: Scenario, config: BenchConfig, scenarioFile: string): ParsedSlo[] {
  // Every config key is checked, also those the scenario overrides: a broken default is still broken.
  const configSlos = parseSlos(config.slo, scenario);
  const scenarioSlos = parseSlos(scenario.slo, scenario);
  const problems = [
    ...configSlos.errors.map((error) => `${config.file ?? 'config'}: config.${error}`),
    ...scenarioSlos.errors.map((error) => `${scenarioFile}: scenario.${error}`),
  ];
  if (problems.length > 0) throw new UsageError(problems.length === 1 ? problems[0]! : `${problems.length} invalid SLOs`, problems);
  const byKey = new Map([...configSlos.value.filter((slo) => !(slo.key in scenario.slo)), ...scenarioSlos.value].map((slo) => [slo.key, slo]));
  return Object.keys({ ...config.slo, ...scenario.slo }).map((key) => byKey.get(key)!);
}
