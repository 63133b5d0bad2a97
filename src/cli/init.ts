// `milvus-bench init`: starter bench.config.ts and scenarios/ha-failover.ts in the current folder.
import type { CommandModule } from 'yargs';

interface InitFlags {
  dir: string;
  force: boolean;
}

export function initCommand(setExit: (code: number) => void): CommandModule<object, InitFlags> {
  return {
    command: 'init',
    describe: 'write a starter bench.config.ts and scenarios/ha-failover.ts',
    builder: (y) =>
      y
        .option('dir', { type: 'string', default: '.', describe: 'folder to write into' })
        .option('force', { type: 'boolean', default: false, describe: 'overwrite existing files' }) as never,
    handler: async (flags) => {
      const { FlagProblems } = await import('../run/flags.js');
      const problems = new FlagProblems();
      problems.outputFolder('dir', flags.dir);
      problems.throwIfAny();
      const { writeStarterFiles } = await import('../scenario/index.js');
      const written = await writeStarterFiles(flags.dir, { force: flags.force });
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
      process.stdout.write('next: npx milvus-bench run scenarios/ha-failover.ts\n');
      setExit(0);
    },
  };
}
