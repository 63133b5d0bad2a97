// Small pieces every fault backend shares: bounded waits, polling, the exec escape hatch, refusal messages.
import { spawn } from 'node:child_process';
import type { FaultAction, FaultSpec, MilvusRole } from '../model/index.js';
import type { FaultTargetRef, InjectedFault } from './types.js';

/** The name Milvus's installers give each Milvus role: compose service and container names, the Helm chart's and
 * Operator's component label (they agree). Dependencies (etcd, minio, pulsar) are named per backend. */
export const MILVUS_COMPONENT_NAMES = {
  proxy: 'proxy',
  querynode: 'querynode',
  datanode: 'datanode',
  indexnode: 'indexnode',
  streamingnode: 'streamingnode',
  coordinator: 'mixcoord',
  standalone: 'standalone',
} as const satisfies Partial<Record<MilvusRole, string>>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What withTimeout rejects with: the awaited work may still be running (and may still land). */
export class TimeoutError extends Error {}

/**
 * Thrown by a backend's inject when it failed after some of it happened (2 of 3 containers stopped, a CR created but
 * never AllInjected): `partial` describes exactly what to undo, and the runner reverts it.
 */
export class PartialInjectionError extends Error {
  constructor(
    message: string,
    readonly partial: InjectedFault,
  ) {
    super(message);
  }
}

/**
 * Runs `fn` on every item, all at once, and waits for all of them (unlike Promise.all, which rejects while others are
 * still running): which items succeeded, and the failures with their errors.
 */
export async function settleEach<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<{ done: T[]; failed: Array<{ item: T; error: unknown }> }> {
  const outcomes = await Promise.allSettled(items.map(fn));
  const done: T[] = [];
  const failed: Array<{ item: T; error: unknown }> = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') done.push(items[i]);
    else failed.push({ item: items[i], error: outcome.reason });
  });
  return { done, failed };
}

/** Rejects with a TimeoutError `<what> timed out after <ms> ms` when the promise takes longer; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Calls `probe` every `everyMs` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(everyMs, Math.max(1, deadline - Date.now())));
  }
}

export function unsupported(backend: string, action: FaultAction, hint: string): string {
  return `fault action '${action}' is not supported by the ${backend} fault backend (${hint})`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const EXEC_TIMEOUT_MS = 60_000;

/** Runs a user command (`options.command`) with the picked target names in MILVUS_BENCH_FAULT_TARGETS. */
export async function runExecCommand(command: string, targets: FaultTargetRef[], timeoutMs = EXEC_TIMEOUT_MS): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MILVUS_BENCH_FAULT_TARGETS: targets.map((t) => t.name).join(',') },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`command \`${command}\` failed (${signal ?? `exit ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
}

export interface ExecRevertState {
  revertCommand?: string;
}

/** exec works the same on every backend: run the command, keep the revert command. */
export async function injectExec(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
  const command = spec.options.command;
  if (!command) throw new Error("fault action 'exec' needs options.command");
  const state: ExecRevertState = { revertCommand: spec.options.revertCommand };
  const fault: InjectedFault = {
    action: 'exec',
    targets,
    revertState: state,
    manualRevert: spec.options.revertCommand ?? 'nothing to revert (no options.revertCommand)',
    needsRevert: spec.options.revertCommand !== undefined,
  };
  try {
    await runExecCommand(command, targets);
  } catch (error) {
    // a failing command may have done part of its work before it failed: run the revert command too
    throw new PartialInjectionError(errorText(error), fault);
  }
  return fault;
}

export async function revertExec(fault: InjectedFault): Promise<void> {
  const { revertCommand } = fault.revertState as ExecRevertState;
  if (revertCommand) await runExecCommand(revertCommand, fault.targets);
}

export function checkExec(spec: FaultSpec): string | null {
  return spec.action === 'exec' && !spec.options.command ? "fault action 'exec' needs options.command (a shell command)" : null;
}
