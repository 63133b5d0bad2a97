// `milvus-bench run <scenario>`: flags only; the pipeline lives in src/run/.
import type { CommandModule } from 'yargs';
import type { RunFlags } from '../run/options.js';

export function runCommand(setExit: (code: number) => void): CommandModule<object, RunFlags> {
  return {
    command: 'run <scenario>',
    describe: 'ingest, run the search load and the fault schedule, measure, judge the SLOs',
    builder: (y) =>
      y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.ts/.js)' })
        .option('config', { type: 'string', describe: 'bench.config.ts to use (default: ./bench.config.ts when present)' })
        .option('target', { type: 'string', describe: 'Milvus address host:port, or "local" for the embedded local test cluster' })
        .option('out', { type: 'string', describe: 'report folder (default: reports/<scenario>-<timestamp>)' })
        .option('duration', { type: 'string', describe: 'total load time, e.g. 30s: phase durations and fault times scale in proportion' })
        .option('rate', { type: 'number', describe: 'open loop: requests/s for every phase (latency from intended start)' })
        .option('concurrency', { type: 'number', describe: 'closed loop: requests in flight for every phase' })
        .option('workers', { type: 'number', describe: 'load worker threads (default min(cores, 4))' })
        .option('quiet', { type: 'boolean', default: false, describe: 'no live progress' })
        .option('json', { type: 'boolean', default: false, describe: 'print the machine-readable summary on stdout (human output goes to stderr)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'validate, resolve the fault plan (which targets would be hit) and stop; touches nothing' })
        .option('baseline', { type: 'string', describe: 'result.json of an earlier run to compare against at the end' })
        .option('max-regression', { type: 'string', describe: 'regression budget for --baseline, e.g. p99=10%,qps=5%' })
        .option('keep-local', { type: 'boolean', default: false, describe: 'leave a local cluster started by this run running afterwards' }) as never,
    handler: async (flags) => {
      const { runFromCli } = await import('../run/commands.js');
      setExit(await runFromCli(flags));
    },
  };
}
