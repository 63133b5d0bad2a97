// Request counters: creation, addition and the accounting invariant sent = ok + errors + timeouts.
import type { Counters, ErrorKind } from './types.js';

export function emptyCounters(): Counters {
  return { sent: 0, ok: 0, errors: 0, timeouts: 0, errorsByKind: {}, dropped: 0 };
}

export function addCounters(into: Counters, from: Counters): Counters {
  into.sent += from.sent;
  into.ok += from.ok;
  into.errors += from.errors;
  into.timeouts += from.timeouts;
  into.dropped += from.dropped;
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

/** true when every sent request ended in exactly one outcome */
export function countersBalance(c: Counters): boolean {
  const byKind = Object.values(c.errorsByKind).reduce((a, b) => a + (b ?? 0), 0);
  return c.sent === c.ok + c.errors + c.timeouts && byKind === c.errors;
}
