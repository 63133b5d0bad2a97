// The truth harness: a TCP proxy in front of the local cluster whose outages are switched over a small control
// HTTP port and logged with the proxy's own clock. Plain JS so it starts as `node truth-proxy.mjs` (its command
// line is how the process fault backend finds it), in a process of its own.
//
//   node truth-proxy.mjs <upstreamPort> <marker>   → prints {"listening":port,"control":port}
//   POST /outage?mode=refuse|hold|slow&ms=N[&delayMs=D][&slowMs=S]   an outage of N ms, starting now (or in D ms)
//   POST /start?mode=…   an open-ended outage;  POST /end   ends every outage now
//   GET /log   [{ mode, fromMs, toMs }] with real epoch ms (toMs null while it lasts)
// refuse: every connection is reset and the port stops listening (ECONNREFUSED) · hold: bytes in both directions are
// held and delivered when it ends (a stall) · slow: every chunk is delayed by slowMs each way (degraded but answering)
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect } from 'node:net';

const upstreamPort = Number(process.argv[2]);
const log = [];
const connections = new Set();
const active = { refuse: 0, hold: 0, slow: 0 };
let slowDelayMs = 0;
let listenPort = 0;

const proxy = createServer((client) => {
  const upstream = connect(upstreamPort, '127.0.0.1');
  const pair = { client, upstream, held: [] };
  connections.add(pair);
  const forward = (to) => (chunk) => {
    if (active.hold > 0) pair.held.push([to, chunk]);
    else if (active.slow > 0) setTimeout(() => to.destroyed || to.write(chunk), slowDelayMs);
    else to.write(chunk);
  };
  client.on('data', forward(upstream));
  upstream.on('data', forward(client));
  const close = () => {
    connections.delete(pair);
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
});

function listen() {
  return new Promise((resolve) => proxy.listen(listenPort, '127.0.0.1', () => resolve(proxy.address().port)));
}

function begin(mode, slowMs) {
  const entry = { mode, fromMs: 0, toMs: null };
  if (mode === 'refuse') {
    if (active.refuse++ === 0) {
      proxy.close();
      for (const pair of connections) {
        pair.client.resetAndDestroy?.() ?? pair.client.destroy();
        pair.upstream.destroy();
      }
    }
  } else if (mode === 'hold') active.hold++;
  else if (mode === 'slow') {
    active.slow++;
    slowDelayMs = slowMs;
  } else throw new Error(`unknown mode ${mode}`);
  entry.fromMs = Date.now();
  log.push(entry);
  return entry;
}

async function finish(entry) {
  if (entry.toMs !== null) return;
  if (entry.mode === 'refuse' && --active.refuse === 0) await listen();
  if (entry.mode === 'hold' && --active.hold === 0) {
    for (const pair of connections) for (const [to, chunk] of pair.held.splice(0)) to.destroyed || to.write(chunk);
  }
  if (entry.mode === 'slow') active.slow--;
  entry.toMs = Date.now();
}

const control = createHttpServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (url.pathname === '/log') return res.end(JSON.stringify(log));
    if (url.pathname === '/end') {
      for (const entry of log) await finish(entry);
      return res.end('ok');
    }
    const mode = url.searchParams.get('mode');
    const ms = Number(url.searchParams.get('ms') ?? NaN);
    const delayMs = Number(url.searchParams.get('delayMs') ?? 0);
    const slowMs = Number(url.searchParams.get('slowMs') ?? 75);
    const start = () => {
      const entry = begin(mode, slowMs);
      if (url.pathname === '/outage') setTimeout(() => void finish(entry), ms);
      return entry;
    };
    if (delayMs > 0) {
      setTimeout(start, delayMs);
      return res.end('scheduled');
    }
    res.end(JSON.stringify(start()));
  } catch (error) {
    res.statusCode = 400;
    res.end(String(error));
  }
});

listenPort = await listen();
control.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: listenPort, control: control.address().port })}\n`));
process.stdin.on('end', () => process.exit(0)).resume();
