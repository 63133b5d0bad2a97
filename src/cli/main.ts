// The milvus-bench command line: yargs commands as thin shells; exit codes are decided here and nowhere else.
import yargs from 'yargs';
import { ExitCode, ExitError, setFatalExit, UsageError } from '../errors.js';
import { compareCommand } from './compare.js';
import { initCommand } from './init.js';
import { localCommand } from './local.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { explainUsageError, type YargsUsage } from './usage.js';
import { toolVersion } from '../version.js';

/** Commands resolve to the exit code they want; thrown ExitErrors carry theirs. */
export async function main(argv: string[]): Promise<void> {
  // a run's guards report here when it must end at once (a second Ctrl-C, after its faults were reverted)
  setFatalExit((error) => process.exit(reportError(error)));
  const code = await runCli(argv);
  process.exitCode = code;
  // Piscina threads, gRPC channels or timers of a failed step must not keep a finished CLI alive.
  setTimeout(() => process.exit(code), 200).unref();
}

export async function runCli(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  try {
    await yargs(argv)
      .scriptName('milvus-bench')
      .usage('$0 <command> [options]\n\nBenchmark a Milvus deployment and prove it stays available when components die.')
      .command(runCommand(setExit))
      .command(validateCommand(setExit))
      .command(initCommand(setExit))
      .command(compareCommand(setExit))
      .command(reportCommand(setExit))
      .command(localCommand)
      .example('$0 run scenarios/ha-failover.ts', 'ingest, load, kill a querynode, measure, judge (local cluster when no target is configured)')
      .example('$0 run scenarios/smoke.ts --target 127.0.0.1:19530 --json', 'against a running Milvus, summary as JSON on stdout')
      .example('$0 compare reports/base/result.json reports/head/result.json --max-regression p99=10%,qps=5%', 'regression gate')
      .example('$0 local up --detach', 'start the local Milvus-compatible test cluster in the background')
      .epilogue(
        'Exit codes: 0 every SLO met, 2 invalid input, 3 SLO breached or regression, 4 target unreachable, setup failed or a fault not injected/reverted as written, 130 interrupted, 1 internal error.',
      )
      .demandCommand(1, 'name a command (run, validate, init, compare, report, local); see --help')
      .strict()
      .recommendCommands()
      .version(toolVersion())
      .help()
      .alias('h', 'help')
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .exitProcess(false)
      .fail((message, error, usage) => {
        // yargs' own errors (YError: a bad coerce, a conflicting option) are input errors; anything else passes through.
        if (error) throw error.name === 'YError' ? new UsageError(error.message) : error;
        const lines = explainUsageError(message ?? 'invalid command line', argv, usage as unknown as YargsUsage);
        throw new UsageError(lines.length === 1 ? lines[0]! : `${lines.length} problems in the command line`, lines);
      })
      .parseAsync();
  } catch (error) {
    return reportError(error);
  }
  return exitCode;
}

/** One line per problem, each naming its file or flag, the field and what is allowed; a count only when there are several. */
function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    const problems = error.problems.length > 0 ? error.problems : [error.message];
    for (const problem of problems) process.stderr.write(`milvus-bench: ${oneLine(problem)}\n`);
    if (problems.length > 1) {
      const summary = /\b\d+ problems\b/.test(error.message) ? error.message : `${problems.length} problems`;
      process.stderr.write(`milvus-bench: ${oneLine(summary)}\n`);
    }
    return error.exitCode;
  }
  if (error instanceof ExitError) {
    process.stderr.write(`milvus-bench: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`milvus-bench: internal error: ${message}\n`);
  if (process.env.MILVUS_BENCH_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return ExitCode.internal;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ');
}
