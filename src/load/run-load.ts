// Main thread of the load: describes the collection once, runs each phase as one task per Piscina
// worker, merges streamed snapshots into the live time series and the workers' results into phases.
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { AccountingError, TargetError } from '../errors.js';
import type { IntervalSnapshot, WorkerPhaseResult } from '../metrics/index.js';
import { IntervalMerger, seriesCounters } from '../metrics/index.js';
import type { PhaseResult } from '../model/index.js';
import type { Phase } from '../model/index.js';
import { MilvusChannel } from './channel.js';
import { decodeDescribeCollection, describeCollectionRequest } from './protocol.js';
import type { CollectionInfo } from './protocol.js';
import { phaseAccounting, summarizePhase, summarizeTotal } from './summary.js';
import type { ControlMessage, LoadHooks, LoadOutcome, LoadPlan, PhaseTask, ReadyMessage } from './types.js';
import { validatePlan } from './validate.js';

const DESCRIBE_TIMEOUT_MS = 10_000;
/** how long to wait for snapshots still in a port after a worker returned; a snapshot still missing then is an
 * accounting error (exit 4), never a silently shorter series */
const SNAPSHOT_GRACE_MS = 10_000;
const WORKER_URL = new URL('./worker.js', import.meta.url).href;

const now = () => performance.timeOrigin + performance.now();

async function describeCollection(plan: LoadPlan): Promise<CollectionInfo> {
  const channel = new MilvusChannel(plan);
  try {
    const bytes = await channel.callAsync('DescribeCollection', describeCollectionRequest(plan.collection.name, plan.database), DESCRIBE_TIMEOUT_MS);
    const decoded = decodeDescribeCollection(bytes);
    if ('reason' in decoded) throw new TargetError(`load: cannot describe collection ${plan.collection.name}: ${decoded.reason}`);
    return decoded.info;
  } catch (error) {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`load: cannot reach ${plan.address} to describe collection ${plan.collection.name}: ${(error as Error).message}`);
  } finally {
    channel.close();
  }
}

/** time 0 of the load is the first phase's start; the merged time series begins with it */
class LoadClock {
  startEpochMs: number | null = null;
  merger: IntervalMerger | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly hooks: LoadHooks,
  ) {}

  /** → the load start; the first call starts the load */
  start(nowMs: number): number {
    if (this.startEpochMs === null) {
      this.startEpochMs = nowMs;
      this.merger = new IntervalMerger(nowMs, this.intervalMs, (point) => this.hooks.onInterval?.(point));
      this.hooks.onLoadStart?.(nowMs);
    }
    return this.startEpochMs;
  }
}

interface PhaseContext {
  plan: LoadPlan;
  info: CollectionInfo;
  pool: Piscina;
  clock: LoadClock;
  signal?: AbortSignal;
}

/** waits until `port` delivered `count` snapshots (or a short grace period passed) */
function drained(received: () => number, count: number): Promise<void> {
  const deadline = Date.now() + SNAPSHOT_GRACE_MS;
  return new Promise((resolve) => {
    const check = () => (received() >= count || Date.now() > deadline ? resolve() : void setTimeout(check, 5));
    check();
  });
}

/** `measured: false` is the warm-up: it runs like a phase but starts no clock and adds nothing to the series */
async function runPhase(
  phase: Phase,
  context: PhaseContext,
  onStart: () => void,
  measured = true,
): Promise<{ result: PhaseResult; workers: WorkerPhaseResult[] }> {
  const { plan, pool, clock } = context;
  const workers = phase.mode === 'closed' ? Math.min(plan.workers, phase.concurrency) : plan.workers;
  const ports: MessagePort[] = [];
  const received = new Array<number>(workers).fill(0);
  let ready = 0;
  let phaseStartEpochMs = now();
  const send = (message: ControlMessage) => ports.forEach((port) => port.postMessage(message));
  const stop = () => send({ type: 'stop' });
  const onMessage = (workerId: number) => (message: IntervalSnapshot | ReadyMessage) => {
    if ('type' in message) {
      // every worker is connected and has built its requests: the phase clock starts now for all of them
      if (++ready === workers) {
        phaseStartEpochMs = now();
        send({ type: 'start', phaseStartEpochMs, loadStartEpochMs: measured ? clock.start(phaseStartEpochMs) : phaseStartEpochMs });
        onStart();
      }
      return;
    }
    received[workerId]++;
    if (measured) clock.merger?.add(message, workers);
  };
  context.signal?.addEventListener('abort', stop, { once: true });
  try {
    const runs = Array.from({ length: workers }, (_, workerId) => {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      port1.on('message', onMessage(workerId));
      const task: PhaseTask = {
        target: { address: plan.address, tls: plan.tls, token: plan.token, username: plan.username, password: plan.password, database: plan.database },
        collection: plan.collection,
        info: context.info,
        phase,
        workerId,
        workers,
        intervalMs: plan.intervalMs,
        queries: plan.queries,
        recallSample: plan.recallSample ?? [],
        port: port2,
      };
      return pool.run(task, { transferList: [port2] }) as Promise<WorkerPhaseResult>;
    });
    if (context.signal?.aborted) stop();
    const results = await Promise.all(runs).catch((error: unknown): never => {
      stop();
      throw new TargetError(`load: a worker failed in phase ${phase.name}: ${error instanceof Error ? error.message : String(error)}`);
    });
    await Promise.all(results.map((r, i) => drained(() => received[i], r.snapshots ?? 0)));
    const result = summarizePhase(phase, results, clock.startEpochMs ?? phaseStartEpochMs, phaseStartEpochMs);
    if (measured && clock.merger) {
      clock.merger.flush(phase.name);
      const missing = results.flatMap((r, i) => (received[i] < (r.snapshots ?? 0) ? [`phase ${phase.name}, worker ${i}: ${received[i]} of ${r.snapshots} interval snapshots arrived`] : []));
      const violations = [...missing, ...phaseAccounting(result, results, seriesCounters(clock.merger.points, phase.name))];
      clock.merger.release(phase.name);
      if (violations.length > 0) throw new AccountingError(violations);
    }
    return { result, workers: results };
  } finally {
    context.signal?.removeEventListener('abort', stop);
    for (const port of ports) port.close();
  }
}

/** the first phase's shape for `warmupMs`, unmeasured: caches, index pages and channels are warm when the clock starts */
function warmupPhase(plan: LoadPlan): Phase | null {
  const first = plan.phases[0];
  if (!first || !plan.warmupMs || plan.warmupMs <= 0) return null;
  return { ...first, name: 'warm-up', durationMs: plan.warmupMs, maxRequests: undefined };
}

/** starts every thread and loads the worker module before the clock starts */
async function warmUp(pool: Piscina, workers: number): Promise<void> {
  await Promise.all(Array.from({ length: workers }, () => pool.run(null, { name: 'warmUp' })));
}

/** min(cores, 4): more threads than cores only add scheduling noise to the latencies */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export async function runLoad(plan: LoadPlan, hooks: LoadHooks = {}): Promise<LoadOutcome> {
  validatePlan(plan);
  const info = await describeCollection(plan);
  const pool = new Piscina({ filename: WORKER_URL, minThreads: plan.workers, maxThreads: plan.workers, idleTimeout: 60_000, concurrentTasksPerWorker: 1 });
  try {
    await warmUp(pool, plan.workers);
    const clock = new LoadClock(plan.intervalMs, hooks);
    const context: PhaseContext = { plan, info, pool, clock, signal: hooks.signal };
    const phases: PhaseResult[] = [];
    const recall = { sum: 0, count: 0 };
    const warmup = warmupPhase(plan);
    if (warmup && !hooks.signal?.aborted) {
      hooks.onPhase?.(warmup.name, 'start');
      await runPhase(warmup, context, () => {}, false);
      hooks.onPhase?.(warmup.name, 'end');
    }
    for (const phase of plan.phases) {
      if (hooks.signal?.aborted) break;
      const { result, workers } = await runPhase(phase, context, () => hooks.onPhase?.(phase.name, 'start'));
      phases.push(result);
      for (const w of workers) if (w.recall) (recall.sum += w.recall.sum), (recall.count += w.recall.count);
      hooks.onPhase?.(phase.name, 'end');
    }
    clock.merger?.flush();
    return {
      loadStartEpochMs: clock.startEpochMs ?? now(),
      phases,
      total: summarizeTotal(phases),
      timeSeries: clock.merger?.points ?? [],
      runs: clock.merger?.sortedRuns() ?? [],
      ...(recall.count > 0 ? { recall: recall.sum / recall.count } : {}),
      interrupted: hooks.signal?.aborted ?? false,
    };
  } finally {
    await pool.destroy();
  }
}
