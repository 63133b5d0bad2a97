// Request counters: creation, addition and the sums MEASUREMENT.md requires to hold, checked at run time.
import type { Counters, ErrorKind } from '../model/index.js';

export function emptyCounters(): Counters {
  return { scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, errorsByKind: {}, dropped: 0, abandoned: 0 };
}

export function addCounters(into: Counters, from: Counters): Counters {
  into.scheduled += from.scheduled ?? 0;
  into.sent += from.sent;
  into.ok += from.ok;
  into.errors += from.errors;
  into.timeouts += from.timeouts;
  into.dropped += from.dropped;
  into.abandoned += from.abandoned ?? 0;
  addErrorKinds(into.errorsByKind, from.errorsByKind);
  return into;
}

export function addErrorKinds(into: Partial<Record<ErrorKind, number>>, from: Partial<Record<ErrorKind, number>>): void {
  for (const [kind, count] of Object.entries(from) as Array<[ErrorKind, number]>) {
    into[kind] = (into[kind] ?? 0) + count;
  }
}

export function sumCounters(list: Counters[]): Counters {
  return list.reduce((acc, c) => addCounters(acc, c), emptyCounters());
}

/** requests that ended with an answer or a deadline (what latency histograms hold) */
export function completions(c: Counters): number {
  return c.ok + c.errors + c.timeouts;
}

/** Every violated sum of `c`, each naming its counters and values; empty when the books balance. */
export function counterViolations(c: Counters, label: string): string[] {
  const problems: string[] = [];
  if (c.scheduled !== c.sent + c.dropped) problems.push(`${label}: scheduled ${c.scheduled} ≠ sent ${c.sent} + dropped ${c.dropped}`);
  const ended = c.ok + c.errors + c.timeouts + c.abandoned;
  if (c.sent !== ended) {
    problems.push(`${label}: sent ${c.sent} ≠ ok ${c.ok} + error ${c.errors} + timeout ${c.timeouts} + abandoned ${c.abandoned}`);
  }
  const byKind = Object.values(c.errorsByKind).reduce((a, b) => a + (b ?? 0), 0);
  if (byKind !== c.errors) problems.push(`${label}: errors by kind ${byKind} ≠ error ${c.errors}`);
  for (const [name, value] of Object.entries(c)) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 0)) problems.push(`${label}: ${name} is ${value}`);
  }
  return problems;
}

/** true when every scheduled request ended in exactly one outcome */
export function countersBalance(c: Counters): boolean {
  return counterViolations(c, '').length === 0;
}

/** `parts` must add up to `whole` counter by counter (per-operation vs phase, interval series vs totals). */
export function sumViolations(whole: Counters, parts: Counters[], label: string): string[] {
  const sum = sumCounters(parts);
  const keys = ['scheduled', 'sent', 'ok', 'errors', 'timeouts', 'dropped', 'abandoned'] as const;
  return keys.filter((key) => sum[key] !== whole[key]).map((key) => `${label}: ${key} ${sum[key]} ≠ ${whole[key]}`);
}
