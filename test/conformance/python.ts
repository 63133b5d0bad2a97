// Drives test/conformance/python/seed_flow.py (pymilvus 2.3) against one target: answers its KILL request with the
// kill the target allows, returns the RESULT it printed. A missing pymilvus fails with the install command.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./python/seed_flow.py', import.meta.url));
export const PYMILVUS_INSTALL = `pip install "pymilvus>=2.3,<2.4" "setuptools<70" "marshmallow<4"`;

/** null when `import pymilvus` works (2.3.x), else why not. */
export function pymilvusMissing(): string | null {
  try {
    const version = execFileSync('python3', ['-c', 'import pymilvus; print(pymilvus.__version__)'], { encoding: 'utf8', timeout: 60_000 }).trim();
    return version.startsWith('2.3.') ? null : `pymilvus ${version} is installed, the flow needs 2.3.x (${PYMILVUS_INSTALL})`;
  } catch (error) {
    const last = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').at(-1);
    return `python3 cannot import pymilvus (${last}); run ${PYMILVUS_INSTALL}`;
  }
}

export async function runSeedFlow(port: number, kill: () => Promise<string>, timeoutMs = 240_000): Promise<Record<string, unknown>> {
  const child = spawn('python3', [SCRIPT, '--port', String(port), '--kill'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (/^KILL$/m.test(stdout) && !stdout.includes('\u0000asked')) {
      stdout = stdout.replace(/^KILL$/m, '\u0000asked');
      kill().then(
        (answer) => child.stdin.write(`${answer}\n`),
        (error: Error) => child.stdin.write(`kill failed: ${error.message}\n`),
      );
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`seed_flow.py exited ${code} on port ${port}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}
