// `compare`, `report` and `run --baseline`: everything that works from result.json files already written.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import type { CompareFlags } from './options.js';
import type { RunResult } from '../report/index.js';
import {
  compareResults,
  parseRegressionBudgets,
  renderComparisonConsole,
  renderComparisonHtml,
  renderComparisonMarkdown,
  writeReports,
} from '../report/index.js';

export async function readResultFile(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`${path}: cannot read the file (give the path of a result.json written by milvus-bench run)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path}: not valid JSON`);
  }
  const candidate = parsed as Partial<RunResult> | null;
  if (!candidate || typeof candidate !== 'object' || candidate.tool?.name !== 'milvus-bench' || !Array.isArray(candidate.phases)) {
    throw new UsageError(`${path}: not a milvus-bench result.json (no tool/phases fields)`);
  }
  return candidate as RunResult;
}

export async function reportFromCli(resultFile: string, out?: string): Promise<number> {
  const result = await readResultFile(resultFile);
  const files = await writeReports(result, resolve(out ?? dirname(resultFile)), { rewriteJson: false });
  process.stdout.write(`wrote ${files.html}\n      ${files.junit}\n      ${files.markdown}\n`);
  return ExitCode.ok;
}

export async function compareFromCli(flags: CompareFlags): Promise<number> {
  const budgets = parseBudgetsOrThrow(flags.maxRegression);
  const [base, head] = await Promise.all([readResultFile(flags.base), readResultFile(flags.head)]);
  const comparison = compareResults(base, head, budgets);
  if (flags.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else process.stdout.write(`${renderComparisonConsole(comparison)}\n`);
  if (flags.out) await writeComparison(comparison, resolve(flags.out));
  return comparison.regressed ? ExitCode.sloBreached : ExitCode.ok;
}

/** run --baseline: true when the new run regressed significantly beyond the budget */
export async function compareWithBaseline(
  baselineFile: string,
  headFile: string,
  maxRegression: string | undefined,
  outDir: string,
  stream: NodeJS.WritableStream,
): Promise<boolean> {
  const budgets = parseBudgetsOrThrow(maxRegression);
  const comparison = compareResults(await readResultFile(baselineFile), await readResultFile(headFile), budgets);
  stream.write(`${renderComparisonConsole(comparison)}\n`);
  await writeComparison(comparison, outDir);
  return comparison.regressed;
}

function parseBudgetsOrThrow(spec: string | undefined) {
  const parsed = parseRegressionBudgets(spec ?? '');
  if (parsed.errors.length > 0) throw new UsageError(`--max-regression: ${parsed.errors.join('; ')}`, parsed.errors);
  return parsed.value;
}

async function writeComparison(comparison: ReturnType<typeof compareResults>, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'comparison.md'), renderComparisonMarkdown(comparison));
  await writeFile(join(dir, 'comparison.html'), renderComparisonHtml(comparison));
}
