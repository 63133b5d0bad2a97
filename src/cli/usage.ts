// Rewrites yargs' own parse errors into the tool's one-line form: `<flag or command>: <what is wrong> (allowed: …)`.
import { didYouMean } from '../suggest.js';

/** The parts of the yargs usage object the fail handler receives that are read here. */
export interface YargsUsage {
  getDescriptions(): Record<string, unknown>;
  getCommands(): Array<[string, ...unknown[]]>;
}

const TOP_COMMANDS = ['run', 'validate', 'init', 'compare', 'report', 'local'];
const POSITIONALS: Record<string, string> = {
  run: '<scenario>: a scenario file such as scenarios/smoke.ts',
  validate: '<scenario>: a scenario file such as scenarios/smoke.ts',
  compare: '<base> <head>: two result.json files',
  report: '<result>: a result.json file',
  local: '<command>: up, status, down, kill, stop, start, restart',
  'local kill': '<name>: a component name from `milvus-bench local status`, such as querynode-1',
  'local stop': '<name>: a component name from `milvus-bench local status`, such as querynode-1',
  'local start': '<name>: a component name from `milvus-bench local status`, such as querynode-1',
  'local restart': '<name>: a component name from `milvus-bench local status`, such as querynode-1',
};

export function explainUsageError(message: string, argv: readonly string[], usage: YargsUsage | undefined): string[] {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const command = words[0] === 'local' && words[1] ? `local ${words[1]}` : (words[0] ?? '');
  const positionals = new Set(['scenario', 'base', 'head', 'result', 'name', 'command']);
  const names = Object.keys(usage?.getDescriptions() ?? {}).filter((name) => !positionals.has(name));
  const flags = [...names.filter((n) => n !== 'help' && n !== 'version'), 'help', 'version'].map((name) => `--${name}`);
  const commands = (usage?.getCommands() ?? []).map((entry) => String(entry[0]).split(' ')[0]!);

  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    return unknown[1]!.split(', ').map((name) => {
      const isFlag = argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}`);
      if (isFlag) return `--${name}: unknown flag for "${command || 'milvus-bench'}"${didYouMean(`--${name}`, flags)} (allowed: ${flags.join(', ')})`;
      const choices = commands.length > 0 ? commands : TOP_COMMANDS;
      return `${name}: unknown command or extra argument${didYouMean(name, choices)} (allowed: ${choices.join(', ')}, see --help)`;
    });
  }
  if (/^Did you mean .+\?$/.test(message)) {
    const local = words[0] === 'local';
    const given = words[local ? 1 : 0] ?? '';
    const choices = commands.length > 0 ? commands : TOP_COMMANDS;
    return [`${local ? 'local ' : ''}${given}: unknown command${didYouMean(given, choices)} (allowed: ${choices.join(', ')})`];
  }
  if (/^Not enough non-option arguments/.test(message)) {
    const wanted = POSITIONALS[command] ?? POSITIONALS[words[0] ?? ''];
    if (!wanted) return [`missing command (allowed: ${TOP_COMMANDS.join(', ')}, see --help)`];
    return [`${command}: missing ${wanted.split(':')[0]} (allowed: ${wanted.split(': ').slice(1).join(': ')})`];
  }
  const missingValue = /^Not enough arguments following: (.+)$/.exec(message);
  if (missingValue) return [`--${missingValue[1]}: has no value (allowed: see ${command || 'milvus-bench'} --help)`];
  const choices = /^Invalid values?:\s*Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(message.replace(/\n\s*/g, ' '));
  if (choices) return [`--${choices[1]}: ${choices[2]} is not allowed (allowed: ${choices[3]})`];
  return [message.replace(/\s*\n\s*/g, '; ')];
}
