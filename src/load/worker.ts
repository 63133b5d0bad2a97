// Piscina worker: runs ONE long task per phase — its share of the rate (open loop) or of the concurrency
// (closed loop) on its own gRPC channel — streams interval snapshots and returns its phase totals.
import type { ClientUnaryCall } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import type { WorkerPhaseResult } from '../metrics/index.js';
import { classifyGrpcError, MilvusChannel } from './channel.js';
import { PhaseRecorder } from './recorder.js';
import type { PreparedRequest } from './requests.js';
import { RequestSource } from './requests.js';
import { intendedOffsetMs, shareOf } from './schedule.js';
import type { ControlMessage, PhaseTask, ReadyMessage } from './types.js';

const CONNECT_WAIT_MS = 2_000;
/** closed loop: a slot whose request failed fast as unavailable waits this long, so a dead target is probed,
 * not spun on (thousands of instant failures a second would steal the CPU the failover runs on) */
const UNAVAILABLE_PAUSE_MS = 10;

/** epoch ms with sub-ms precision */
const now = () => performance.timeOrigin + performance.now();

/** one channel per thread and target, kept across phases so a new phase does not reconnect */
const channels = new Map<string, MilvusChannel>();

function channelFor(task: PhaseTask): { channel: MilvusChannel; fresh: boolean } {
  const key = JSON.stringify(task.target);
  const existing = channels.get(key);
  if (existing) return { channel: existing, fresh: false };
  const channel = new MilvusChannel(task.target);
  channels.set(key, channel);
  return { channel, fresh: true };
}

export default async function runPhase(task: PhaseTask): Promise<WorkerPhaseResult> {
  const { channel, fresh } = channelFor(task);
  const source = new RequestSource(task);
  const control = waitForStart(task);
  source.prepare();
  const connected = await channel.connect(CONNECT_WAIT_MS);
  if (connected && fresh) await warmUpCall(channel, source.next());
  task.port.postMessage({ type: 'ready', workerId: task.workerId } satisfies ReadyMessage);
  const start = await control.started;
  try {
    return await new PhaseRun(task, channel, source, start, control).run();
  } finally {
    task.port.close();
  }
}

/** one unmeasured request pays the first call's costs (stream setup, lazy compilation) before the clock starts */
function warmUpCall(channel: MilvusChannel, request: PreparedRequest): Promise<void> {
  return new Promise((resolve) => channel.call(request.method, request.bytes, CONNECT_WAIT_MS, () => resolve()));
}

interface PhaseClock {
  phaseStartEpochMs: number;
  loadStartEpochMs: number;
}

interface Control {
  started: Promise<PhaseClock | null>;
  onStop(listener: () => void): void;
}

/** resolves with the phase start, or null when stopped before it started */
function waitForStart(task: PhaseTask): Control {
  let stopListener: (() => void) | null = null;
  let stopped = false;
  let resolveStart: (value: PhaseClock | null) => void = () => {};
  const started = new Promise<PhaseClock | null>((resolve) => (resolveStart = resolve));
  task.port.on('message', (message: ControlMessage) => {
    if (message?.type === 'start') resolveStart(message);
    if (message?.type === 'stop') {
      stopped = true;
      resolveStart(null);
      stopListener?.();
    }
  });
  return {
    started,
    onStop: (listener) => {
      stopListener = listener;
      if (stopped) listener();
    },
  };
}

class PhaseRun {
  private readonly recorder: PhaseRecorder;
  private readonly endMs: number;
  private readonly startMs: number;
  private readonly maxRequests: number;
  private readonly inFlightCalls = new Set<ClientUnaryCall>();
  private issued = 0;
  private stopped = false;
  private schedulingDone = false;
  private finished: (() => void) | null = null;
  private bucketTimer: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private scheduleTimer: NodeJS.Timeout | undefined;
  private readonly pauseTimers = new Set<NodeJS.Timeout>();
  private pausedSlots = 0;

  constructor(
    private readonly task: PhaseTask,
    private readonly channel: MilvusChannel,
    private readonly source: RequestSource,
    clock: PhaseClock | null,
    private readonly control: Control,
  ) {
    const { phase } = task;
    // stopped before it started: an empty phase at the moment of the stop
    this.startMs = clock?.phaseStartEpochMs ?? now();
    this.endMs = this.startMs + phase.durationMs;
    this.maxRequests = phase.maxRequests === undefined ? Infinity : shareOf(phase.maxRequests, task.workers, task.workerId);
    this.recorder = new PhaseRecorder(
      { phase: phase.name, workerId: task.workerId, loadStartEpochMs: clock?.loadStartEpochMs ?? this.startMs, intervalMs: task.intervalMs, port: task.port, slowMs: phase.slowMs },
      this.startMs,
    );
  }

  async run(): Promise<WorkerPhaseResult> {
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    this.control.onStop(() => this.stop());
    this.tickBuckets();
    this.endTimer = setTimeout(() => this.endScheduling(), Math.max(0, this.endMs - now()));
    if (this.task.phase.mode === 'closed') this.startClosedLoop(shareOf(this.task.phase.concurrency, this.task.workers, this.task.workerId));
    else this.tickOpenLoop();
    this.checkFinished();
    await done;
    for (const timer of [this.bucketTimer, this.endTimer, this.scheduleTimer, ...this.pauseTimers]) clearTimeout(timer);
    return this.recorder.finish(now());
  }

  /** closes buckets on time even while nothing completes (a stalled server must show up as such) */
  private tickBuckets(): void {
    const t = now();
    this.recorder.advance(t);
    this.bucketTimer = setTimeout(() => this.tickBuckets(), this.recorder.msToBucketEnd(t));
  }

  private canIssue(): boolean {
    return !this.stopped && !this.schedulingDone && this.issued < this.maxRequests && now() < this.endMs;
  }

  private startClosedLoop(concurrency: number): void {
    for (let i = 0; i < concurrency && this.canIssue(); i++) this.send(this.source.next(), now());
  }

  /** open loop: every request has an intended start; late ticks catch up by issuing all due requests */
  private tickOpenLoop(): void {
    const { phase } = this.task;
    if (phase.mode !== 'open') return;
    const maxInFlight = Math.max(1, shareOf(phase.maxInFlight, this.task.workers, this.task.workerId));
    const t = now();
    while (!this.stopped && !this.schedulingDone) {
      const n = this.issued * this.task.workers + this.task.workerId;
      const offset = this.issued < this.maxRequests ? intendedOffsetMs(n, phase.rate, phase.rampTo, phase.durationMs) : null;
      if (offset === null) return this.endScheduling();
      const intended = this.startMs + offset;
      if (intended > t) {
        this.scheduleTimer = setTimeout(() => this.tickOpenLoop(), Math.max(0, intended - now()));
        return;
      }
      this.issued++;
      const request = this.source.next();
      if (this.recorder.inFlight >= maxInFlight) this.recorder.dropped(request.op, t, intended);
      else this.dispatch(request, intended);
    }
  }

  private send(request: PreparedRequest, intendedMs: number): void {
    this.issued++;
    this.dispatch(request, intendedMs);
  }

  private dispatch(request: PreparedRequest, intendedMs: number): void {
    const sentMs = now();
    this.recorder.requestSent(request.op, sentMs);
    const call = this.channel.call(request.method, request.bytes, this.task.phase.timeoutMs, (result) => {
      this.inFlightCalls.delete(call);
      const endMs = now();
      let pauseMs = 0;
      if ('error' in result) {
        const classified = classifyGrpcError(result.error);
        // cancelled by our own stop(): the run ended under it, the server never answered
        const failure = this.stopped && classified.outcome === 'error' && classified.kind === 'cancelled' ? ({ outcome: 'abandoned' } as const) : classified;
        this.recorder.requestEnded(request.op, failure, intendedMs, sentMs, endMs);
        if (failure.outcome === 'error' && failure.kind === 'unavailable') pauseMs = UNAVAILABLE_PAUSE_MS;
      } else {
        const judged = this.source.judge(request, result.bytes);
        this.recorder.requestEnded(request.op, judged.result, intendedMs, sentMs, endMs);
        for (const r of judged.recall) this.recorder.recallOf(r.hits, r.k);
      }
      if (this.task.phase.mode === 'closed') this.nextInSlot(pauseMs);
      this.checkFinished();
    });
    this.inFlightCalls.add(call);
  }

  private nextInSlot(pauseMs: number): void {
    if (!this.canIssue()) return;
    if (pauseMs === 0) return this.send(this.source.next(), now());
    this.pausedSlots++;
    const timer = setTimeout(() => {
      this.pausedSlots--;
      this.pauseTimers.delete(timer);
      if (this.canIssue()) this.send(this.source.next(), now());
      this.checkFinished();
    }, pauseMs);
    this.pauseTimers.add(timer);
  }

  private endScheduling(): void {
    this.schedulingDone = true;
    this.recorder.schedulingEnded(Math.min(now(), this.endMs));
    this.checkFinished();
  }

  /** abort: nothing new is sent and in-flight calls end now as cancelled */
  private stop(): void {
    this.stopped = true;
    this.schedulingDone = true;
    this.recorder.schedulingEnded(now());
    for (const call of [...this.inFlightCalls]) call.cancel();
    this.checkFinished();
  }

  private checkFinished(): void {
    const idle = this.recorder.inFlight === 0 && (this.pausedSlots === 0 || !this.canIssue());
    const closedDone = this.task.phase.mode === 'closed' && !this.canIssue();
    if (idle && (this.schedulingDone || this.stopped || closedDone)) this.finished?.();
  }
}

/** no-op task the main thread runs once per thread so module loading happens before the clock starts */
export function warmUp(): boolean {
  return true;
}
