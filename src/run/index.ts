// Entry points the CLI commands call; each returns the process exit code.
export { runFromCli, validateFromCli } from './commands.js';
export { compareFromCli, reportFromCli } from './report-commands.js';
export { executeRun } from './pipeline.js';
export { prepareRun } from './prepare.js';
