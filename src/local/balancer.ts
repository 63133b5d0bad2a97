// TCP balancer process: spreads new client connections over live proxies, least connections first, like an
// nginx `stream` block. Proxies are discovered from their run files and health-checked on /healthz.
import { readdir } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { log } from './component-log.js';
import { readJsonFile, type RunRecord } from './layout.js';

interface Upstream {
  name: string;
  port: number;
  metricsPort: number;
  healthy: boolean;
  active: number;
}

const HEALTH_EVERY_MS = 250;

export class Balancer {
  private readonly upstreams = new Map<string, Upstream>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataDir: string) {}

  async start(port: number): Promise<Server> {
    await this.checkHealth();
    this.timer = setInterval(() => void this.checkHealth(), HEALTH_EVERY_MS);
    const server = createServer((client) => this.route(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** Least connections over healthy proxies; a failed connect marks the proxy down and tries the next one. */
  private route(client: Socket, tried = new Set<string>()): void {
    const candidates = [...this.upstreams.values()].filter((u) => u.healthy && !tried.has(u.name)).sort((a, b) => a.active - b.active);
    const upstream = candidates[0];
    if (!upstream) {
      client.destroy();
      return;
    }
    tried.add(upstream.name);
    upstream.active++; // counted at pick time: connections arriving together must not all pick the same proxy
    const server = connect({ port: upstream.port, host: '127.0.0.1', noDelay: true });
    client.setNoDelay(true); // gRPC frames are small: Nagle + delayed ACK would add ~40 ms per call
    let connected = false;
    client.pause();
    server.once('connect', () => {
      connected = true;
      client.pipe(server).pipe(client);
      client.resume();
    });
    server.on('error', () => {
      if (!connected) {
        upstream.active--;
        upstream.healthy = false;
        if (!client.destroyed) this.route(client, tried);
      } else client.destroy();
    });
    server.on('close', () => {
      if (connected) upstream.active = Math.max(0, upstream.active - 1);
      client.destroy();
    });
    client.on('error', () => server.destroy());
    client.on('close', () => server.destroy());
  }

  private async checkHealth(): Promise<void> {
    const runDir = join(this.dataDir, 'run');
    const files = (await readdir(runDir).catch(() => [] as string[])).filter((f) => f.startsWith('proxy-') && f.endsWith('.json'));
    for (const file of files) {
      const record = await readJsonFile<RunRecord>(join(runDir, file));
      if (!record?.grpcPort) continue;
      const known = this.upstreams.get(record.name);
      const upstream = known && known.port === record.grpcPort ? known : { name: record.name, port: record.grpcPort, metricsPort: record.metricsPort, healthy: false, active: 0 };
      this.upstreams.set(record.name, upstream);
      const healthy = await probe(record.metricsPort);
      if (healthy !== upstream.healthy) log(`${record.name} ${healthy ? 'healthy' : 'unhealthy'} (127.0.0.1:${record.grpcPort})`);
      upstream.healthy = healthy;
    }
  }

  healthyCount(): number {
    return [...this.upstreams.values()].filter((u) => u.healthy).length;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

async function probe(metricsPort: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/healthz`, { signal: AbortSignal.timeout(500) });
    return response.ok;
  } catch {
    return false;
  }
}
