// Reading /proc: matching processes by command line, and a process's scheduler state (R, S, T …).
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  pid: number;
  /** argv joined by spaces */
  cmdline: string;
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const entries = await readdir('/proc');
  const found: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const raw = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (raw) found.push({ pid: Number(entry), cmdline: raw.replace(/\0+$/, '').split('\0').join(' ') });
  }
  return found;
}

/** The state letter from /proc/<pid>/stat ('T' stopped, 'S' sleeping, 'R' running, 'Z' zombie), or null when gone. */
export async function processState(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

export async function isAlive(pid: number): Promise<boolean> {
  const state = await processState(pid);
  return state !== null && state !== 'Z' && state !== 'X';
}

/** SIGSTOP lands asynchronously: wait (bounded) until every pid shows state T, so "injected" means stopped. */
export async function waitStopped(pids: number[], timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const pid of pids) {
    while (Date.now() < deadline) {
      const state = await processState(pid);
      if (state === null || state === 'T' || state === 't') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
