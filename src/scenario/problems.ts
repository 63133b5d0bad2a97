// Turns zod issues into one-line, dot-path problems: `scenario.phases[1].rate: must be a positive number (got -5)`.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const KNOWN_KEYS_MARK = 'known keys:';
/** Values of these keys never appear in messages. */
const SECRET_KEY = /token|password/i;

/** Parse-level error map: plain wording for generic issues; schema-level messages win over it. */
export function errorMap(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
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

/** One line per problem; an unknown-keys issue becomes one line per key with a suggestion. */
export function formatIssues(root: string, issues: readonly Issue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = issue.message.startsWith(KNOWN_KEYS_MARK) ? issue.message.slice(KNOWN_KEYS_MARK.length).split(',').filter(Boolean) : [];
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length ? ` (allowed: ${known.join(', ')})` : '';
        lines.push(`${formatPath(root, [...issue.path, key])}: unknown key${hint}`);
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const structured = typeof input === 'object' && input !== null;
    const secret = SECRET_KEY.test(String(issue.path[issue.path.length - 1] ?? ''));
    const hideInput = input === undefined || structured || secret || issue.code === 'custom' || issue.code === 'invalid_union';
    const got = hideInput ? '' : ` (got ${describe(input)})`;
    lines.push(`${formatPath(root, issue.path)}: ${issue.message}${got}`);
  }
  return lines;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function article(expected: string): string {
  if (expected === 'array' || expected === 'object') return `an ${expected}`;
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
