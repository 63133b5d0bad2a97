// Command-line flag values checked before any work starts: one line per problem, naming the flag and what is allowed.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isTargetAddress } from '../model/index.js';
import { addressProblem, parseDuration, withAllowed } from '../scenario/index.js';

/** Collects flag problems; `throwIfAny` raises them together as one UsageError. */
export class FlagProblems {
  readonly lines: string[] = [];

  /** `flag` is a flag name ('rate' → --rate) or a positional in angle brackets ('<base>'). */
  add(flag: string, problem: string): void {
    this.lines.push(`${flag.startsWith('<') ? flag : `--${flag}`}: ${problem}`);
  }

  /** A number flag: yargs turns "abc" into NaN, so NaN means "not a number". */
  number(flag: string, value: number | undefined, options: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean }): number | undefined {
    if (value === undefined) return undefined;
    const noun = options.integer ? 'integers' : 'numbers';
    const low = options.min === undefined ? '' : options.max !== undefined ? `${options.min}..${options.max}` : `${options.exclusiveMin ? '>' : '>='} ${options.min}`;
    const allowed = `${noun} ${low}`.trim();
    if (typeof value !== 'number' || Number.isNaN(value)) this.add(flag, withAllowed('is not a number', allowed));
    else if (options.integer && !Number.isInteger(value)) this.add(flag, withAllowed(`${value} is not an integer`, allowed));
    else if (options.min !== undefined && (options.exclusiveMin ? value <= options.min : value < options.min)) this.add(flag, withAllowed(`${value} is too small`, allowed));
    else if (options.max !== undefined && value > options.max) this.add(flag, withAllowed(`${value} is too large`, allowed));
    else return value;
    return undefined;
  }

  duration(flag: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    const ms = parseDuration(value);
    const allowed = 'durations longer than 0 such as "30s", "2m", "500ms"';
    if (ms === null) this.add(flag, withAllowed(`${JSON.stringify(value)} is not a duration`, allowed));
    else if (ms <= 0) this.add(flag, withAllowed(`${JSON.stringify(value)} is too short`, allowed));
    else return ms;
    return undefined;
  }

  target(value: string | undefined): void {
    if (value !== undefined && !isTargetAddress(value)) this.add('target', addressProblem(value));
  }

  async budgets(flag: string, value: string | undefined): Promise<void> {
    if (value === undefined) return;
    if (value.trim() === '') return this.add(flag, withAllowed('is empty', BUDGET_HELP));
    // report/ loads only when a budget is given: flag errors stay fast
    const { parseRegressionBudgets } = await import('../report/index.js');
    for (const error of parseRegressionBudgets(value).errors) this.add(flag, error.includes('(allowed:') ? error : withAllowed(error, BUDGET_HELP));
  }

  /** A file the command reads: it must exist and be a file. */
  inputFile(flag: string, value: string | undefined, what: string): void {
    if (value === undefined) return;
    const path = resolve(value);
    if (!existsSync(path)) this.add(flag, withAllowed(`${value}: file not found`, what));
    else if (statSync(path).isDirectory()) this.add(flag, withAllowed(`${value}: is a folder, not a file`, what));
  }

  /** A folder the command writes into: it, or the nearest folder above it that exists, must be a writable folder. */
  outputFolder(flag: string, value: string | undefined): void {
    const problem = value === undefined ? null : folderProblem(value);
    if (problem) this.add(flag, withAllowed(problem, 'a folder that exists or can be created, and can be written'));
  }

  throwIfAny(): void {
    if (this.lines.length === 0) return;
    throw new UsageError(this.lines.length === 1 ? this.lines[0]! : `${this.lines.length} problems in the command line`, this.lines);
  }
}

const BUDGET_HELP = 'comma-separated metric=N% such as "p99=10%,qps=5%", metric one of p50, p95, p99, p999, max, qps, errorRate';

/** Why `dir` cannot be a report folder, or null when it can. */
export function folderProblem(dir: string): string | null {
  if (dir.trim() === '') return 'is empty';
  let current = resolve(dir);
  for (;;) {
    if (existsSync(current)) {
      if (!statSync(current).isDirectory()) return current === resolve(dir) ? `${dir}: is a file, not a folder` : `${dir}: ${current} is a file, not a folder`;
      try {
        accessSync(current, constants.W_OK | constants.X_OK);
      } catch {
        return `${dir}: ${current} is not writable`;
      }
      return null;
    }
    const parent = dirname(current);
    if (parent === current) return `${dir}: no folder above it exists`;
    current = parent;
  }
}
