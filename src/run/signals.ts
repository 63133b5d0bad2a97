// Ctrl-C / SIGTERM during a run: the first stops the load gracefully (reports still written), the second
// reverts every injected fault at once and exits 130. Faults are reverted either way.
export interface InterruptHandlers {
  /** first signal: stop the load, keep going to write what was measured */
  onInterrupt(signal: NodeJS.Signals): void;
  /** second signal: revert faults now, then the process exits */
  onForceExit(signal: NodeJS.Signals): Promise<void>;
}

export function installInterruptHandlers(handlers: InterruptHandlers): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      handlers.onInterrupt(signal);
      return;
    }
    void handlers.onForceExit(signal).finally(() => process.exit(130));
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
