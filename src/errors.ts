// Typed errors that carry the process exit code; the CLI maps them to process.exit in one place.

export const ExitCode = {
  ok: 0,
  internal: 1,
  invalidInput: 2,
  sloBreached: 3,
  targetFailed: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flag, scenario or config: exit 2. `problems` lists every problem found, one line each. */
export class UsageError extends ExitError {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message, ExitCode.invalidInput);
  }
}

/** Target unreachable or setup failed (connect, create, ingest, index, load, local cluster start): exit 4. */
export class TargetError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.targetFailed);
  }
}

/** The tool's own books do not balance (a violated outcome sum): its figures cannot be trusted, exit 4. */
export class AccountingError extends ExitError {
  constructor(readonly violations: string[]) {
    super(`measurement error, the counts do not add up: ${violations.join('; ')}`, ExitCode.targetFailed);
  }
}

/** One or more SLOs breached: exit 3. */
export class SloBreachError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.sloBreached);
  }
}

/**
 * A fault did not happen as the scenario wrote it (its injection failed or only partly happened; what did happen was
 * reverted), or a revert failed and left the target broken: exit 4, never an SLO breach.
 */
export class FaultInjectionError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.targetFailed);
  }
}

/** SIGINT / SIGTERM: exit 130. */
export class InterruptedError extends ExitError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}

/** An exception nothing caught, or a rejection nothing handled: exit 1. */
export class InternalError extends ExitError {
  constructor(message: string) {
    super(message, ExitCode.internal);
  }
}

type FatalExit = (error: ExitError) => void;
let fatalExit: FatalExit | undefined;

/** The CLI's entry point registers how to end the process at once (the only place that calls process.exit). */
export function setFatalExit(exit: FatalExit | undefined): void {
  fatalExit = exit;
}

/**
 * Ends the process now with the error's exit code, through the entry point's handler (a second Ctrl-C after faults were
 * reverted). Without a registered handler (library use) it only sets process.exitCode.
 */
export function exitFatally(error: ExitError): void {
  if (fatalExit) fatalExit(error);
  else process.exitCode = error.exitCode;
}
