// `milvus-bench report <result.json>`: re-render the HTML, JUnit and Markdown reports of a finished run.
import type { CommandModule } from 'yargs';

interface ReportFlags {
  result: string;
  out?: string;
}

export function reportCommand(setExit: (code: number) => void): CommandModule<object, ReportFlags> {
  return {
    command: 'report <result>',
    describe: 're-render report.html, junit.xml and summary.md from a result.json',
    builder: (y) =>
      y
        .positional('result', { type: 'string', demandOption: true, describe: 'path of a result.json' })
        .option('out', { type: 'string', describe: 'folder to write into (default: beside result.json)' }) as never,
    handler: async (flags) => {
      const { FlagProblems } = await import('../run/flags.js');
      const problems = new FlagProblems();
      problems.inputFile('<result>', flags.result, 'a result.json written by milvus-bench run');
      problems.outputFolder('out', flags.out);
      problems.throwIfAny();
      const { reportFromCli } = await import('../run/report-commands.js');
      setExit(await reportFromCli(flags.result, flags.out));
    },
  };
}
