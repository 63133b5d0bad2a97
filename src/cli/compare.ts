// `milvus-bench compare <base> <head>`: the regression gate between two result.json files.
import type { CommandModule } from 'yargs';
import type { CompareFlags } from '../run/options.js';

export function compareCommand(setExit: (code: number) => void): CommandModule<object, CompareFlags> {
  return {
    command: 'compare <base> <head>',
    describe: 'compare two result.json files; exit 3 on a significant regression beyond the budget',
    builder: (y) =>
      y
        .positional('base', { type: 'string', demandOption: true, describe: 'result.json of the baseline run' })
        .positional('head', { type: 'string', demandOption: true, describe: 'result.json of the run under test' })
        .option('max-regression', {
          type: 'string',
          describe: 'budget per metric, e.g. p99=10%,qps=5% (changes inside run-to-run noise never count)',
        })
        .option('out', { type: 'string', describe: 'folder for comparison.md and comparison.html' })
        .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON on stdout' }) as never,
    handler: async (flags) => {
      const { FlagProblems } = await import('../run/flags.js');
      const problems = new FlagProblems();
      await problems.budgets('max-regression', flags.maxRegression);
      problems.inputFile('<base>', flags.base, 'the result.json of the baseline run');
      problems.inputFile('<head>', flags.head, 'the result.json of the run under test');
      problems.outputFolder('out', flags.out);
      problems.throwIfAny();
      const { compareFromCli } = await import('../run/report-commands.js');
      setExit(await compareFromCli(flags));
    },
  };
}
