// Starts the trivial Milvus-protocol bench server (bench-server.mjs) in its own process and talks to it over IPC.
import { fork } from 'node:child_process';

const ENTRY = new URL('./bench-server.mjs', import.meta.url);
const START_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 10_000;

/** options: { port?, delay?: { dist, seed } } → { address, stall(ms), hang(ms), outage(ms), samples(), cpuMs(), close() } */
export async function startBenchServer(options = {}) {
  const child = fork(ENTRY, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reply = (type) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench server: no '${type}' reply within ${REPLY_TIMEOUT_MS} ms`)), type === 'listening' ? START_TIMEOUT_MS : REPLY_TIMEOUT_MS);
      const onMessage = (message) => {
        if (message.type !== type && message.type !== 'error') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        message.type === 'error' ? reject(new Error(`bench server: ${message.message}`)) : resolve(message);
      };
      child.on('message', onMessage);
    });
  const ask = (message, type) => {
    const answer = reply(type);
    child.send(message);
    return answer;
  };
  let port;
  try {
    ({ port } = await reply('listening'));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid,
    /** resolves at once with the stall's { fromMs, toMs } */
    stall: (ms) => ask({ type: 'stall', ms }, 'stalled'),
    /** a stall of `ms`; resolves once its held replies went out: { fromMs, toMs, releasedMs, held } */
    hang: (ms) => ask({ type: 'stall', ms }, 'stall-ended'),
    /** Search fails with UNAVAILABLE for `ms`; resolves after it ended with the server's { fromMs, toMs } */
    outage: (ms) => ask({ type: 'outage', ms }, 'outage-ended'),
    samples: async () => (await ask({ type: 'samples' }, 'samples')).values,
    cpuMs: async () => (await ask({ type: 'usage' }, 'usage')).cpuMs,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
      }),
  };
}
