// Runs a fault schedule against one backend during the load: inject on time, revert after revertAfterMs,
// watch recovery in the background, and revert everything still active on demand (idempotent, bounded).
import type { FaultSpec } from '../model/index.js';
import { errorText, PartialInjectionError, TimeoutError, withTimeout } from './common.js';
import { assertFaultsSupported, expandOccurrences, resolveOccurrence, type FaultOccurrence } from './plan.js';
import type { FaultBackend, FaultEvent, FaultRecord, InjectedFault } from './types.js';

export interface FaultRunnerOptions {
  onEvent?: (event: FaultEvent) => void;
  /** bound on one revert (unpause, reconnect, delete CR …) */
  revertTimeoutMs?: number;
  /** bound on one inject call; a call still running then is failed, and undone whenever it lands */
  injectTimeoutMs?: number;
  /** bound on resolving the targets of one occurrence */
  resolveTimeoutMs?: number;
  /** how long a timed-out inject call is still awaited so that what it did can be undone */
  lateLandingMs?: number;
  /** how long to watch for the backend's recovery after a fault */
  recoveryTimeoutMs?: number;
}

interface Slot {
  occurrence: FaultOccurrence;
  record: FaultRecord;
  fault?: InjectedFault;
  /** set once a revert started, so concurrent callers never revert twice */
  reverting?: Promise<void>;
}

export class FaultRunner {
  private readonly slots: Slot[];
  private readonly injectionTimers = new Set<NodeJS.Timeout>();
  private readonly revertTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly observers = new Set<Promise<void>>();
  private stopped = false;
  private revertingAll: Promise<void> | undefined;
  private readonly revertTimeoutMs: number;
  private readonly injectTimeoutMs: number;
  private readonly resolveTimeoutMs: number;
  private readonly lateLandingMs: number;
  private readonly recoveryTimeoutMs: number;

  constructor(
    private readonly backend: FaultBackend,
    faults: FaultSpec[],
    private readonly options: FaultRunnerOptions = {},
  ) {
    assertFaultsSupported(backend, faults);
    this.revertTimeoutMs = options.revertTimeoutMs ?? 15_000;
    // above the chaos-mesh backend's own 30 s AllInjected wait, so its partial state (the CR) comes back to be reverted
    this.injectTimeoutMs = options.injectTimeoutMs ?? 45_000;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 30_000;
    this.lateLandingMs = options.lateLandingMs ?? 60_000;
    this.recoveryTimeoutMs = options.recoveryTimeoutMs ?? 120_000;
    this.slots = expandOccurrences(faults).map((occurrence) => ({
      occurrence,
      record: {
        index: occurrence.index,
        occurrence: occurrence.occurrence,
        action: occurrence.spec.action,
        role: occurrence.spec.target.role,
        pick: String(occurrence.spec.target.pick),
        targets: [],
        backend: backend.name,
        scheduledAtMs: 0,
        status: 'skipped',
        callStartedMs: null,
        injectCallMs: null,
        injectedMs: null,
        revertedMs: null,
        backendRecoveredMs: null,
      },
    }));
  }

  /** Schedules every occurrence relative to the load start (epoch ms). Calling it twice does nothing. */
  start(loadStartEpochMs: number): void {
    if (this.stopped || this.injectionTimers.size > 0 || this.slots.some((s) => s.record.scheduledAtMs > 0)) return;
    for (const slot of this.slots) {
      slot.record.scheduledAtMs = loadStartEpochMs + slot.occurrence.atMs;
      const timer = setTimeout(() => {
        this.injectionTimers.delete(timer);
        this.track(this.inFlight, this.fire(slot));
      }, Math.max(0, slot.record.scheduledAtMs - Date.now()));
      this.injectionTimers.add(timer);
    }
  }

  /** Cancels injections not yet started; scheduled reverts still happen. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.injectionTimers) clearTimeout(timer);
    this.injectionTimers.clear();
  }

  /**
   * Reverts every active fault, after waiting (bounded) for injections in flight to land. Safe to call from a signal
   * handler and a finally block at once. `{ wait: false }` (a forced exit) reverts what is known now, without waiting.
   */
  revertAll(options: { wait?: boolean } = {}): Promise<void> {
    this.stop();
    if (options.wait === false) {
      this.clearRevertTimers();
      return Promise.all(this.slots.filter((s) => s.fault).map((s) => this.revertSlot(s))).then(() => {});
    }
    this.revertingAll ??= this.revertEverything().finally(() => {
      this.revertingAll = undefined;
    });
    return this.revertingAll;
  }

  /** Waits (bounded) for background recovery observations to finish, so records() has their times. */
  async settle(timeoutMs: number): Promise<void> {
    await withTimeout(Promise.allSettled([...this.observers]), timeoutMs, 'recovery observation').catch(() => {});
  }

  records(): FaultRecord[] {
    return this.slots.map((s) => ({ ...s.record, targets: [...s.record.targets] }));
  }

  private clearRevertTimers(): void {
    for (const timer of this.revertTimers) clearTimeout(timer);
    this.revertTimers.clear();
  }

  private async revertEverything(): Promise<void> {
    this.clearRevertTimers();
    // an injection running right now must land (or fail, or be given up on) before it can be undone
    const inFlightBound = this.resolveTimeoutMs + this.injectTimeoutMs + this.lateLandingMs;
    await withTimeout(Promise.allSettled([...this.inFlight]), inFlightBound, 'in-flight injection').catch(() => {});
    await Promise.all(this.slots.filter((s) => s.fault).map((s) => this.revertSlot(s)));
  }

  private track(set: Set<Promise<void>>, promise: Promise<void>): void {
    set.add(promise);
    void promise.finally(() => set.delete(promise));
  }

  private emit(kind: FaultEvent['kind'], slot: Slot, message: string): void {
    try {
      this.options.onEvent?.({ kind, record: { ...slot.record }, atMs: Date.now(), message });
    } catch {
      // a broken progress printer must not stop fault handling
    }
  }

  private label(slot: Slot): string {
    const { spec, occurrence } = slot.occurrence;
    const repeat = spec.repeat ? ` #${occurrence + 1}` : '';
    return `${spec.action} ${slot.record.targets.join(', ') || spec.target.role}${repeat}`;
  }

  private async fire(slot: Slot): Promise<void> {
    if (this.stopped) return;
    const { spec } = slot.occurrence;
    let targets;
    try {
      const resolved = await withTimeout(resolveOccurrence(this.backend, slot.occurrence), this.resolveTimeoutMs, 'resolving targets');
      targets = resolved.targets;
      slot.record.targets = targets.map((t) => t.name);
      slot.record.pickDetail = resolved.detail;
    } catch (error) {
      this.fail(slot, error); // nothing was touched yet
      return;
    }
    if (this.stopped) return; // the run ended while the targets were being resolved: never touch them
    // the fault may bite as soon as the call begins (docker stop waits up to t=10 s before it returns)
    const startedMs = Date.now();
    slot.record.callStartedMs = startedMs;
    const call = this.backend.inject(spec, targets);
    try {
      slot.fault = await withTimeout(call, this.injectTimeoutMs, `${spec.action} injection`);
      slot.record.injectedMs = Date.now();
      slot.record.injectCallMs = slot.record.injectedMs - startedMs;
      slot.record.status = 'injected';
      if (slot.fault.needsRevert !== false) slot.record.manualRevert = slot.fault.manualRevert;
    } catch (error) {
      if (!(error instanceof TimeoutError)) slot.record.injectCallMs = Date.now() - startedMs;
      await this.failInjection(slot, error, call);
      return;
    }
    this.emit('injected', slot, `injected ${this.label(slot)} (${slot.record.pickDetail}) in ${slot.record.injectCallMs} ms`);
    if (spec.revertAfterMs !== undefined && !this.revertingAll) {
      const timer = setTimeout(() => {
        this.revertTimers.delete(timer);
        void this.revertSlot(slot);
      }, spec.revertAfterMs);
      this.revertTimers.add(timer);
    }
    this.track(this.observers, this.observe(slot, slot.fault));
  }

  private fail(slot: Slot, error: unknown): void {
    slot.record.status = 'failed';
    slot.record.error = errorText(error);
    this.emit('failed', slot, `fault ${this.label(slot)} failed: ${slot.record.error}`);
  }

  /**
   * A failed injection may have partly happened: revert what the backend reports as done. A call that timed out may
   * still land: wait for it (bounded again) and revert whatever it leaves behind.
   */
  private async failInjection(slot: Slot, error: unknown, call: Promise<InjectedFault>): Promise<void> {
    this.fail(slot, error);
    if (error instanceof PartialInjectionError) slot.fault = error.partial;
    if (error instanceof TimeoutError) {
      try {
        slot.fault = await withTimeout(call, this.lateLandingMs, `late ${slot.occurrence.spec.action} injection`);
        slot.record.injectCallMs = Date.now() - (slot.record.callStartedMs ?? Date.now());
      } catch (late) {
        if (late instanceof PartialInjectionError) slot.fault = late.partial;
        if (!(late instanceof TimeoutError)) slot.record.injectCallMs = Date.now() - (slot.record.callStartedMs ?? Date.now());
      }
    }
    if (slot.fault && slot.fault.needsRevert !== false) {
      slot.record.manualRevert = slot.fault.manualRevert;
      await this.revertSlot(slot);
    }
  }

  private async observe(slot: Slot, fault: InjectedFault): Promise<void> {
    const since = slot.record.callStartedMs ?? slot.record.injectedMs ?? Date.now();
    try {
      const seen = await this.backend.observeRecovery(fault, since, this.recoveryTimeoutMs);
      slot.record.backendRecoveredMs = seen.recoveredMs;
      if (seen.recoveredMs !== null) this.emit('recovered', slot, `${this.label(slot)}: ${seen.detail}`);
      else this.emit('not-recovered', slot, `${this.label(slot)}: ${seen.detail}`);
    } catch (error) {
      this.emit('not-recovered', slot, `${this.label(slot)}: recovery not observed: ${errorText(error)}`);
    }
  }

  private revertSlot(slot: Slot): Promise<void> {
    const fault = slot.fault;
    if (!fault || fault.needsRevert === false) return Promise.resolve();
    const startedMs = Date.now();
    slot.reverting ??= withTimeout(this.backend.revert(fault), this.revertTimeoutMs, `reverting ${fault.action}`).then(
      () => {
        slot.record.revertedMs = Date.now();
        const at = new Date(slot.record.revertedMs).toISOString().slice(11, 23);
        this.emit('reverted', slot, `reverted ${this.label(slot)} at ${at} UTC (took ${slot.record.revertedMs - startedMs} ms)`);
      },
      (error: unknown) => {
        slot.record.revertError = errorText(error);
        this.emit(
          'revert-failed',
          slot,
          `REVERT FAILED for ${this.label(slot)}: ${slot.record.revertError}. Finish it by hand: ${fault.manualRevert}`,
        );
      },
    );
    return slot.reverting;
  }
}
