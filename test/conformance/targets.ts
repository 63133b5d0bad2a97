// The two targets of the conformance suite: the look-alike (1 proxy, 1 querynode, started like the other local
// tests) and a real Milvus 2.3.5 standalone (test/support/real-milvus.ts). Both from dist/: `npm run build` first.
import { rmSync } from 'node:fs';
import { localApi, tempDataDir } from '../local/fixture.js';
import { freePort } from '../real/cluster-support.js';
import { startRealStandalone } from '../support/real-milvus.js';

export interface Target {
  label: 'real' | 'look-alike';
  address: string;
  port: number;
  /** the seed flow's querynode kill; resolves with what was done (the real standalone has no querynode to kill) */
  killQuerynode(): Promise<string>;
  /** every /metrics endpoint the tool would scrape, with the component it names */
  metricsUrls: { component: string; url: string }[];
  /** /healthz of the component that answers the client */
  healthUrl: string;
  /** the dir serverMetricsEndpoints() reads for the look-alike */
  dataDir: string;
  stop(): Promise<void>;
}

export async function startLookAlike(): Promise<Target> {
  const api = await localApi();
  const dataDir = tempDataDir('conformance');
  const port = await freePort();
  await api.startLocalCluster({ dataDir, port, proxies: 1, querynodes: 1 });
  const status = (await api.findLocalCluster(dataDir))!;
  const metricsOf = (name: string) => status.components.find((c) => c.name === name)!.metricsPort;
  return {
    label: 'look-alike',
    address: `127.0.0.1:${port}`,
    port,
    killQuerynode: async () => {
      await api.signalComponent(dataDir, 'querynode-1', 'SIGKILL'); // the supervisor restarts it; the coordinator reloads
      return 'killed querynode-1 (SIGKILL)';
    },
    metricsUrls: ['proxy-1', 'querynode-1'].map((component) => ({ component, url: `http://127.0.0.1:${metricsOf(component)}/metrics` })),
    healthUrl: `http://127.0.0.1:${metricsOf('proxy-1')}/healthz`,
    dataDir,
    stop: async () => {
      await api.downLocalCluster(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startReal(): Promise<Target> {
  const real = await startRealStandalone();
  return {
    label: 'real',
    address: real.address,
    port: real.port,
    // A standalone runs every role in one process: a "querynode kill" would be a whole-server restart (H1's
    // standalone tests cover kill/restart), so the seed flow searches on without one here.
    killQuerynode: async () => 'skipped: a real standalone has no separate querynode process',
    metricsUrls: [{ component: 'standalone', url: `http://127.0.0.1:${real.metricsPort}/metrics` }],
    healthUrl: `http://127.0.0.1:${real.metricsPort}/healthz`,
    dataDir: real.dataDir,
    stop: async () => {
      await real.stop();
      rmSync(real.dataDir, { recursive: true, force: true });
    },
  };
}
