// Real child processes with a recognizable command line, and a tiny supervisor that restarts killed ones.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export function processStateOf(pid: number): Promise<string | null> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then(
    (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
    () => null,
  );
}

export class ChildGroup {
  readonly tag = `mbft-${randomBytes(4).toString('hex')}`;
  private readonly children = new Map<string, ChildProcess>();
  private closed = false;
  /** set to restart children that die (like a supervisor would) */
  supervise = false;
  restarts = 0;

  spawn(role: string, index: number): ChildProcess {
    const label = `${this.tag}-${role}-${index}`;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', label], { stdio: 'ignore' });
    this.children.set(label, child);
    child.on('exit', () => {
      if (this.closed || !this.supervise || this.children.get(label) !== child) return;
      this.restarts += 1;
      this.spawn(role, index);
    });
    return child;
  }

  pids(): number[] {
    return [...this.children.values()].map((c) => c.pid ?? -1);
  }

  pattern(role: string): string {
    return `${this.tag}-${role}-\\d+`;
  }

  close(): void {
    this.closed = true;
    for (const child of this.children.values()) {
      try {
        if (child.pid) process.kill(child.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      child.kill('SIGKILL');
    }
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
