// Turns zod issues into one-line, dot-path problems that say what is wrong and what is allowed:
// `scenario.collection.index.type: "IVF-FLAT" is not allowed; did you mean "IVF_FLAT"? (allowed: FLAT, IVF_FLAT, HNSW, AUTOINDEX)`.
import type { z } from 'zod';
import { didYouMean } from '../suggest.js';

export { didYouMean };

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const KNOWN_KEYS_MARK = 'known keys:';
/** Values of these keys never appear in messages. */
const SECRET_KEY = /token|password/i;

/** `<what is wrong> (allowed: <allowed>)` */
export function withAllowed(problem: string, allowed: string): string {
  return `${problem} (allowed: ${allowed})`;
}


const EXPECTED_TEXT: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list [ … ]',
  object: 'an object { … }',
  record: 'an object { … }',
};

/** Parse-level error map for issues whose schema gives no message of its own. */
export function errorMap(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const allowed = EXPECTED_TEXT[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return withAllowed('is required', allowed);
      const noun = issue.expected === 'boolean' ? 'a boolean' : allowed.replace(/ \[ … \]| \{ … \}/, '');
      return withAllowed(`${describe(issue.input)} is ${kindOf(issue.input)}, not ${noun}`, allowed);
    }
    case 'too_small':
      if (issue.origin === 'array') return withAllowed(`has ${countOf(issue.input)} items`, `at least ${String(issue.minimum)}`);
      if (issue.origin === 'string') return withAllowed('is too short', `at least ${String(issue.minimum)} characters`);
      return withAllowed(`${describe(issue.input)} is too small`, `${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`);
    case 'too_big':
      if (issue.origin === 'array') return withAllowed(`has ${countOf(issue.input)} items`, `at most ${String(issue.maximum)}`);
      if (issue.origin === 'string') return withAllowed('is too long', `at most ${String(issue.maximum)} characters`);
      return withAllowed(`${describe(issue.input)} is too large`, `${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`);
    case 'invalid_value': {
      const values = issue.values.map(String);
      const near = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
      return withAllowed(`${issue.input === undefined ? 'is required' : `${describe(issue.input)} is not allowed`}${near}`, values.join(', '));
    }
    case 'unrecognized_keys':
      return `${KNOWN_KEYS_MARK}${knownKeys(issue.inst).join(',')}`;
    default:
      return undefined;
  }
}

/** The keys an object schema declares, or the allowed keys of a record keyed by an enum. */
function knownKeys(schema: unknown): string[] {
  const def = (schema as { _zod?: { def?: { shape?: Record<string, unknown>; keyType?: { options?: unknown[] } } } } | undefined)?._zod?.def;
  if (def?.shape) return Object.keys(def.shape);
  return (def?.keyType?.options ?? []).map(String);
}

export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let text = root;
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return text;
}

/** One line per problem; an unknown-keys issue becomes one line per key with a suggestion and the allowed keys. */
export function formatIssues(root: string, issues: readonly Issue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = issue.message.startsWith(KNOWN_KEYS_MARK) ? issue.message.slice(KNOWN_KEYS_MARK.length).split(',').filter(Boolean) : [];
      for (const key of issue.keys) {
        const problem = `unknown key${didYouMean(key, known)}`;
        lines.push(`${formatPath(root, [...issue.path, key])}: ${known.length ? withAllowed(problem, known.join(', ')) : problem}`);
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const secret = SECRET_KEY.test(String(issue.path[issue.path.length - 1] ?? ''));
    const message = secret && (typeof input === 'string' || typeof input === 'number') ? issue.message.split(describe(input)).join('(hidden)') : issue.message;
    lines.push(`${formatPath(root, issue.path)}: ${message}`);
  }
  return lines;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value === 'function' ? 'a function' : typeof value;
}

function countOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}
