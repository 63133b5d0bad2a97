// `run` and `validate`: thin glue between the CLI flags, the pipeline and the report writers.
import { join, resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import type { RunFlags } from './options.js';
import type { RunResult } from '../report/index.js';
import { prepareRun } from './prepare.js';

export async function runFromCli(flags: RunFlags): Promise<number> {
  // Flags, config and scenario are checked before the pipeline and its dependencies are even loaded.
  const prepared = await prepareRun(flags);
  const [{ renderConsoleSummary, writeReports }, { compareWithBaseline }, { executeRun }, { createRunUi }] = await Promise.all([
    import('../report/index.js'),
    import('./report-commands.js'),
    import('./pipeline.js'),
    import('./ui.js'),
  ]);
  const ui = createRunUi({ json: flags.json, quiet: flags.quiet });
  try {
    const result = await executeRun(prepared, { dryRun: flags.dryRun, keepLocal: flags.keepLocal }, ui);
    if (flags.dryRun) return result.exitCode;
    const outDir = resolve(flags.out ?? join(prepared.config.reportDir, reportFolderName(result)));
    const files = await writeReports(result, outDir);
    const human = flags.json ? process.stderr : process.stdout;
    human.write(`${renderConsoleSummary(result)}\n`);
    if (result.error) process.stderr.write(`milvus-bench: ${result.error}\n`);
    human.write(`reports: ${files.html}\n         ${files.json}\n`);
    let exitCode = result.exitCode;
    if (flags.baseline) {
      const regressed = await compareWithBaseline(flags.baseline, files.json, flags.maxRegression, outDir, human);
      if (regressed && exitCode === ExitCode.ok) exitCode = ExitCode.sloBreached;
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(jsonSummary(result, files))}\n`);
    return exitCode;
  } finally {
    ui.close();
  }
}

export async function validateFromCli(scenarioFile: string, configFile?: string): Promise<number> {
  const { scenario, slos } = await prepareRun({ scenario: scenarioFile, config: configFile });
  const loadMs = scenario.phases.reduce((sum, phase) => sum + phase.durationMs, 0);
  process.stdout.write(
    `${scenario.file}: valid — "${scenario.name}": ${scenario.phases.length} phase(s) over ${(loadMs / 1000).toFixed(0)} s, ` +
      `${scenario.faults.length} fault(s), ${slos.length} SLO(s), ${scenario.ingest.rows} rows × ${scenario.collection.dim} dims\n`,
  );
  return ExitCode.ok;
}

function reportFolderName(result: RunResult): string {
  const slug = result.scenario.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
  const stamp = result.startedAt.replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  return `${slug}-${stamp}`;
}

function jsonSummary(result: RunResult, files: { json: string; html: string }) {
  return {
    pass: result.pass,
    exitCode: result.exitCode,
    interrupted: result.interrupted,
    error: result.error,
    scenario: result.scenario.name,
    target: result.target,
    phases: result.phases.map((p) => ({ name: p.name, qps: p.qps, latency: p.latency, counters: p.counters })),
    faults: result.faults.map((f) => ({ action: f.action, targets: f.targets, status: f.status, downtimeMs: f.downtimeMs, recovered: f.recovered })),
    integrity: result.integrity,
    slo: result.slo.map((s) => ({ key: s.key, threshold: s.threshold, actual: s.actual, pass: s.pass })),
    reports: files,
  };
}
