// `milvus-bench validate <scenario>`: load and check a scenario (and config) without connecting anywhere.
import type { CommandModule } from 'yargs';

interface ValidateFlags {
  scenario: string;
  config?: string;
}

export function validateCommand(setExit: (code: number) => void): CommandModule<object, ValidateFlags> {
  return {
    command: 'validate <scenario>',
    describe: 'check a scenario and the config without connecting (every problem is listed at once)',
    builder: (y) =>
      y
        .positional('scenario', { type: 'string', demandOption: true })
        .option('config', { type: 'string', describe: 'bench.config.ts to validate with it' }) as never,
    handler: async (flags) => {
      const { validateFromCli } = await import('../run/commands.js');
      setExit(await validateFromCli(flags.scenario, flags.config));
    },
  };
}
