// Guards around a run while faults may be active. SIGINT/SIGTERM: the first stops the load gracefully (faults are
// reverted and the reports still written, exit 130); the second reverts every fault at once and ends the process.
// An uncaught exception or unhandled rejection reverts every fault at once, then lets the run end as a tool error
// (reports written, exit 1). The guards stay until the pipeline removes them, after its final revert.
import { exitFatally, InternalError, InterruptedError } from '../errors.js';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface RunGuardHandlers {
  /** first signal: stop the load, keep going to write what was measured */
  onInterrupt(signal: NodeJS.Signals): void;
  /** an exception nothing caught: recorded as the run's error, then the load stops like on a signal */
  onCrash(error: InternalError): void;
  /** undo every fault injected so far, now, without waiting for injections in flight (idempotent) */
  revertFaults(): Promise<void>;
  log(line: string): void;
}

export function installRunGuards(handlers: RunGuardHandlers): () => void {
  let signals = 0;
  let forcing = false;
  const forceExit = (error: InterruptedError | InternalError) => {
    if (forcing) return;
    forcing = true;
    handlers.log(`${error.message}: reverting faults and exiting now`);
    void handlers
      .revertFaults()
      .catch((revertError: unknown) => handlers.log(`revert failed: ${errorText(revertError)}`))
      .finally(() => exitFatally(error));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) handlers.onInterrupt(signal);
    else forceExit(new InterruptedError(`${signal} again`));
  };
  let crashes = 0;
  const onCrash = (error: unknown) => {
    crashes += 1;
    const crash = new InternalError(`internal error: ${errorText(error)}`);
    if (crashes > 1) return forceExit(crash);
    handlers.log(`${crash.message}; reverting faults and stopping the load`);
    // faults first, at once: whatever broke may also keep the graceful path from finishing
    void handlers.revertFaults().catch((revertError: unknown) => handlers.log(`revert failed: ${errorText(revertError)}`));
    handlers.onCrash(crash);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
