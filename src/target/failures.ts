// Turns SDK failures (gRPC errors, non-success statuses) into one-line TargetError messages.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { TargetError } from '../errors.js';

interface StatusLike {
  error_code?: string | number;
  code?: number;
  reason?: string;
}

interface GrpcErrorLike {
  code?: number;
  details?: string;
  message?: string;
}

const GRPC_CODE_NAMES = new Map<number, string>(
  Object.entries(GrpcStatus)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name]),
);

export function grpcCodeOf(error: unknown): number | undefined {
  const code = (error as GrpcErrorLike | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** `UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:19531` — one line, without grpc-js's timestamps and retry notes. */
export function describeFailure(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const { code, details, message } = error as GrpcErrorLike;
  const codeName = typeof code === 'number' ? GRPC_CODE_NAMES.get(code) : undefined;
  let text = (details ?? message ?? String(error))
    .replace(/ \(\d{4}-\d\d-\d\dT[^)]*\)/g, '')
    .replace(/ \(retried \d+ times, \d+ms\)/g, '')
    .replace(/^No connection established\. Last error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  if (codeName) text = text.startsWith(`${code} ${codeName}: `) ? text.slice(`${code} ${codeName}: `.length) : text;
  return codeName ? `${codeName}: ${text}` : text;
}

export function isSuccess(status: StatusLike | undefined): boolean {
  if (!status) return false;
  const errorCode = status.error_code;
  const okErrorCode = errorCode === undefined || errorCode === 0 || errorCode === 'Success';
  return okErrorCode && (status.code === undefined || status.code === 0);
}

/** Throws a TargetError naming the action when a reply's status is not success. */
export function checkStatus(status: StatusLike | undefined, action: string): void {
  if (isSuccess(status)) return;
  const reason = status?.reason || String(status?.error_code ?? 'no status in the reply');
  throw new TargetError(`${action} failed: ${reason}`);
}

/** Runs one SDK call; gRPC-level failures become a TargetError naming the action. */
export async function sdkCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`${action} failed: ${describeFailure(error)}`);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
