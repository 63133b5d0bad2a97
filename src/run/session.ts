// What a run holds open while it runs (the resolved target, the fault backend and runner, the SDK connection, the
// server-metrics scraper) and the one abort signal, with the guards that act on them and the one place that lets
// them go again — in the order that reverts faults first and releases the local cluster last.
import { ExitCode, ExitError, InterruptedError, UsageError } from '../errors.js';
import type { FaultBackend, FaultRunner } from '../faults/index.js';
import type { LoadOutcome } from '../load/index.js';
import type { RunResult } from '../model/index.js';
import type { ServerMetricsScraper, TargetConnection } from '../target/index.js';
import type { ResolvedTarget } from './resolve-target.js';
import { installRunGuards } from './signals.js';
import type { RunUi } from './ui.js';

export class RunSession {
  readonly abort = new AbortController();
  target?: ResolvedTarget;
  backend?: FaultBackend;
  runner?: FaultRunner;
  connection?: TargetConnection;
  serverScraper?: ServerMetricsScraper;
  load?: LoadOutcome;
  private readonly removeGuards: () => void;

  constructor(
    private readonly result: RunResult,
    private readonly ui: RunUi,
  ) {
    this.removeGuards = installRunGuards({
      onInterrupt: (signal) => {
        ui.log(`${signal}: stopping the load, reverting faults and writing the report (again to revert and exit now)`);
        this.runner?.stop(); // no new injection while the load winds down
        result.interrupted = true;
        this.abort.abort();
      },
      onCrash: (error) => {
        result.error ??= error.message;
        result.exitCode = error.exitCode;
        this.abort.abort();
      },
      revertFaults: async () => {
        await this.runner?.revertAll({ wait: false });
      },
      log: ui.log,
    });
  }

  throwIfAborted(): void {
    if (this.abort.signal.aborted) throw new InterruptedError();
  }

  /** An error that ended the run early, as the result records it; usage errors go on to the CLI. */
  recordFailure(error: unknown): void {
    const { result } = this;
    if (result.error !== null) return; // a crash already recorded as the run's error; what it broke afterwards is a consequence
    if (error instanceof InterruptedError || (this.abort.signal.aborted && !(error instanceof ExitError))) {
      result.interrupted = true;
      return;
    }
    result.error = error instanceof Error ? error.message : String(error);
    result.exitCode = error instanceof ExitError ? error.exitCode : ExitCode.internal;
    if (error instanceof UsageError) throw error;
  }

  /** Faults reverted, server metrics collected, every handle closed, the local cluster released; then the guards go. */
  async release(): Promise<void> {
    await this.runner?.revertAll();
    this.result.serverMetrics = (await this.serverScraper?.stop({ loadStartEpochMs: this.load?.loadStartEpochMs }).catch(() => [])) ?? [];
    await this.connection?.close().catch(() => {});
    await this.backend?.close().catch(() => {});
    await this.target?.release().catch((error: unknown) => this.ui.log(`could not stop the local cluster: ${String(error)}`));
    this.removeGuards(); // only now: a signal until here still reverts at once
  }
}
