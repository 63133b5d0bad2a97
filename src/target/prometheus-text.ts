// Prometheus text exposition format 0.0.4: a forgiving parser (bad lines are counted, never thrown) and histogram_quantile.

export type PromMetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface PromExposition {
  samples: PromSample[];
  /** metric family name → declared `# TYPE` */
  types: Map<string, PromMetricType>;
  /** metric family name → `# HELP` text, unescaped */
  help: Map<string, string>;
  /** lines that could not be parsed and were skipped */
  skippedLines: number;
}

export interface PromBucket {
  /** upper bound; Infinity for `le="+Inf"` */
  le: number;
  /** cumulative count of observations ≤ le */
  count: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<PromMetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): PromExposition {
  const exposition: PromExposition = { samples: [], types: new Map(), help: new Map(), skippedLines: 0 };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    const ok = line.trimStart().startsWith('#') ? parseComment(line.trimStart(), exposition) : parseSampleInto(line, exposition);
    if (!ok) exposition.skippedLines++;
  }
  return exposition;
}

function parseComment(line: string, exposition: PromExposition): boolean {
  const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (!match) return true; // free-form comments are allowed by the format
  const [, keyword, name, rest = ''] = match;
  if (!METRIC_NAME.test(name!) || METRIC_NAME.exec(name!)![0] !== name) return false;
  if (keyword === 'HELP') {
    exposition.help.set(name!, rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')));
    return true;
  }
  const type = rest.trim() as PromMetricType;
  if (!TYPES.has(type)) return false;
  exposition.types.set(name!, type);
  return true;
}

function parseSampleInto(line: string, exposition: PromExposition): boolean {
  const sample = parseSampleLine(line);
  if (sample) exposition.samples.push(sample);
  return sample !== null;
}

/** One sample line (`name{a="b"} 1.5 [timestamp]`), or null when malformed. */
export function parseSampleLine(line: string): PromSample | null {
  let rest = line.trimStart();
  const name = METRIC_NAME.exec(rest)?.[0];
  if (!name) return null;
  rest = rest.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.trimStart().startsWith('{')) {
    rest = rest.trimStart();
    const parsed = parseLabels(rest);
    if (!parsed) return null;
    labels = parsed.labels;
    rest = rest.slice(parsed.consumed);
  }
  if (!/^[ \t]/.test(rest)) return null;
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2) return null;
  const value = parseValue(fields[0]!);
  if (value === null) return null;
  const sample: PromSample = { name, labels, value };
  if (fields.length === 2) {
    if (!/^-?\d+$/.test(fields[1]!)) return null;
    sample.timestampMs = Number(fields[1]);
  }
  return sample;
}

function parseLabels(text: string): { labels: Record<string, string>; consumed: number } | null {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipSpaces = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === '}') return { labels, consumed: i + 1 };
    const labelName = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!labelName) return null;
    i += labelName.length;
    skipSpaces();
    if (text[i] !== '=') return null;
    i++;
    skipSpaces();
    if (text[i] !== '"') return null;
    const quoted = readQuoted(text, i + 1);
    if (!quoted) return null;
    labels[labelName] = quoted.value;
    i = quoted.end;
    skipSpaces();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return null;
  }
}

function readQuoted(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = text[++i];
    if (next === 'n') value += '\n';
    else if (next === '\\' || next === '"') value += next;
    else return null;
  }
  return null;
}

function parseValue(field: string): number | null {
  if (/^[+-]?inf$/i.test(field)) return field.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(field)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(field)) return null;
  return Number(field);
}

/** The `le` label as a number (`+Inf` → Infinity), or null when absent/invalid. */
export function bucketBound(labels: Record<string, string>): number | null {
  const le = labels.le;
  if (le === undefined) return null;
  return parseValue(le.trim());
}

/**
 * The q-quantile of cumulative buckets, as PromQL's histogram_quantile computes it: linear interpolation inside
 * the bucket that holds the rank; the lowest bucket starts at 0 (when its bound is positive); a rank in the +Inf
 * bucket returns the highest finite bound. Null when there are no observations or no +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: readonly PromBucket[]): number | null {
  const sorted = [...buckets].filter((b) => !Number.isNaN(b.le) && Number.isFinite(b.count)).sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted.at(-1)!.le !== Infinity) return null;
  // Scrapes are not atomic, so cumulative counts can dip; PromQL makes them monotonic the same way.
  let runningMax = 0;
  const monotonic = sorted.map((b) => ({ le: b.le, count: (runningMax = Math.max(runningMax, b.count)) }));
  const observations = monotonic.at(-1)!.count;
  if (observations <= 0 || Number.isNaN(q)) return null;
  if (q <= 0) return monotonic[0]!.le > 0 ? 0 : monotonic[0]!.le;
  if (q >= 1) return monotonic.at(-2)!.le;
  const rank = q * observations;
  const index = monotonic.findIndex((b) => b.count >= rank);
  if (index === monotonic.length - 1) return monotonic.at(-2)!.le;
  const bucket = monotonic[index]!;
  const previous = index > 0 ? monotonic[index - 1]! : null;
  const start = previous ? previous.le : Math.min(0, bucket.le);
  const below = previous ? previous.count : 0;
  const inBucket = bucket.count - below;
  if (inBucket <= 0) return bucket.le;
  return start + (bucket.le - start) * ((rank - below) / inBucket);
}
