// Zod building blocks shared by the scenario and config schemas. Every message reads
// `<what is wrong> (allowed: <what is allowed>)`, e.g. `0 is too small (allowed: integers 1..32768)`.
import { z } from 'zod';
import { parseDuration, formatDuration } from './duration.js';
import { describe, withAllowed } from './problems.js';

type NumberIssue = { code: string; input?: unknown };

/** `integers 1..16`, `integers >= 0`, `numbers > 0` */
export function numberRange(options: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean }): string {
  const noun = options.integer ? 'integers' : 'numbers';
  const { min, max } = options;
  if (min !== undefined && max !== undefined) return `${noun} ${min}..${max}`;
  if (min !== undefined) return `${noun} ${options.exclusiveMin ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

function numberProblem(issue: NumberIssue, allowed: string, integer: boolean): string {
  const { input } = issue;
  if (input === undefined) return withAllowed('is required', allowed);
  if (typeof input !== 'number' || Number.isNaN(input)) {
    const hint = typeof input === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(input) ? ' (write it without quotes)' : '';
    return withAllowed(`${describe(input)} is not a number${hint}`, allowed);
  }
  if (integer && !Number.isInteger(input)) return withAllowed(`${input} is not an integer`, allowed);
  if (issue.code === 'too_big') return withAllowed(`${input} is too large`, allowed);
  return withAllowed(`${input} is too small`, allowed);
}

/** A number field with one message for every way it can be wrong; `note` says where a limit comes from. */
export function numberField(options: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean; note?: string } = {}) {
  const allowed = numberRange(options) + (options.note ? `; ${options.note}` : '');
  const error = (issue: NumberIssue) => numberProblem(issue, allowed, options.integer ?? false);
  let schema = z.number({ error });
  if (options.integer) schema = schema.int({ error });
  if (options.min !== undefined) schema = options.exclusiveMin ? schema.gt(options.min, { error }) : schema.min(options.min, { error });
  if (options.max !== undefined) schema = schema.max(options.max, { error });
  return schema;
}

export const intField = (min: number, max?: number, note?: string) =>
  numberField({ integer: true, min, ...(max !== undefined ? { max } : {}), ...(note ? { note } : {}) });
export const positiveInt = (max?: number) => intField(1, max);
export const nonNegativeInt = (max?: number) => intField(0, max);
export const positiveNumber = () => numberField({ min: 0, exclusiveMin: true });
export const nonEmptyString = () =>
  z.string({ error: (issue) => typeProblem(issue.input, 'a non-empty string') }).min(1, { error: withAllowed('is empty', 'a non-empty string') });
export const paramRecord = () =>
  z.record(z.string(), z.union([z.number(), z.string()], { error: (issue) => typeProblem(issue.input, 'a number or a string') }), {
    error: (issue) => typeProblem(issue.input, 'an object of numbers or strings, e.g. { nprobe: 16 }'),
  });

/** Missing or of the wrong type. */
export function typeProblem(input: unknown, allowed: string): string {
  return withAllowed(input === undefined ? 'is required' : `${describe(input)} is the wrong type`, allowed);
}

const DURATION_EXAMPLES = '"500ms", "20s", "2m", "1h" or a number of milliseconds';

/** A duration field ('20s' | 500) resolved to milliseconds; `min`/`max` are inclusive; `why` explains `max`. */
export function duration(options: { min?: number; max?: number; positive?: boolean; why?: string } = {}) {
  const min = options.min ?? 0;
  const range =
    options.max !== undefined
      ? `${options.positive && min === 0 ? 'more than 0' : formatDuration(min)} up to ${formatDuration(options.max)}`
      : options.positive && min === 0
        ? 'longer than 0'
        : min > 0
          ? `at least ${formatDuration(min)}`
          : '';
  const allowed = `durations such as ${DURATION_EXAMPLES}${range ? `, ${range}` : ''}${options.why ? `; ${options.why}` : ''}`;
  return z
    .union([z.string(), z.number()], { error: (issue) => withAllowed(issue.input === undefined ? 'is required' : `${describe(issue.input)} is not a duration`, allowed) })
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: withAllowed(`${describe(value)} is not a duration${unitHint(value)}`, allowed) });
        return z.NEVER;
      }
      if ((options.positive && ms <= 0) || ms < min) {
        ctx.addIssue({ code: 'custom', message: withAllowed(`${describe(value)} is too short`, allowed) });
        return z.NEVER;
      }
      if (options.max !== undefined && ms > options.max) {
        ctx.addIssue({ code: 'custom', message: withAllowed(`${describe(value)} is too long`, allowed) });
        return z.NEVER;
      }
      return ms;
    });
}

/** '5 sec', '2 mins', '1.5hours': say which unit was meant. */
function unitHint(value: unknown): string {
  if (typeof value === 'number' && value < 0) return ' (negative)';
  if (typeof value !== 'string') return '';
  if (/^\s*-/.test(value)) return ' (negative)';
  const unit = /^\s*-?\d+(?:\.\d+)?\s*([a-zA-Zµ]+)\s*$/.exec(value)?.[1]?.toLowerCase();
  if (unit === undefined || ['ms', 's', 'm', 'h'].includes(unit)) return '';
  const meant: Record<string, string> = { sec: 's', secs: 's', second: 's', seconds: 's', min: 'm', mins: 'm', minute: 'm', minutes: 'm', msec: 'ms', millis: 'ms', milliseconds: 'ms', hr: 'h', hour: 'h', hours: 'h', us: 'ms', µs: 'ms' };
  return meant[unit] ? ` (unit "${unit}": write "${meant[unit]}")` : ` (unknown unit "${unit}")`;
}

export const MILVUS_ROLES = [
  'proxy',
  'querynode',
  'datanode',
  'indexnode',
  'streamingnode',
  'coordinator',
  'standalone',
  'etcd',
  'minio',
  'pulsar',
] as const;
