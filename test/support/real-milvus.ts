// Real Milvus for tests: is it installed here, fail-or-skip by the CI rule, and a real standalone on free ports
// started through our launcher (`local up --engine milvus`, compiled code in dist/: run `npm run build` first).
// Under CI=true a test that needs real Milvus and cannot have it FAILS; elsewhere it skips with the printed reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findMilvusServer, MILVUS_SERVER_INSTALL } from '../../src/local/milvus/binary.js';

type LocalApi = typeof import('../../src/local/index.js');
type PlanApi = typeof import('../../src/local/milvus/cluster-plan.js');
const dist = <T>(path: string): Promise<T> => import(new URL(`../../dist/${path}`, import.meta.url).href) as Promise<T>;

let availability: { ok: true } | { ok: false; reason: string } | undefined;

/** Can a real Milvus standalone run here (milvus-server on PATH and its Python has the milvus package)? */
export function realMilvusAvailable(): { ok: true } | { ok: false; reason: string } {
  if (availability) return availability;
  try {
    const server = findMilvusServer();
    const shebang = readFileSync(server, 'utf8').split('\n')[0] ?? '';
    const python = shebang.startsWith('#!') && shebang.includes('python') ? shebang.slice(2).trim().split(/\s+/) : ['python3'];
    execFileSync(python[0]!, [...python.slice(1), '-c', 'import milvus'], { stdio: 'ignore', timeout: 30_000 });
    availability = { ok: true };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    availability = { ok: false, reason: message.includes('milvus-server') ? message : `the milvus Python package is missing (${MILVUS_SERVER_INSTALL}; scripts/real-milvus-env.sh)` };
  }
  return availability;
}

/** undefined when real Milvus can run; under CI=true throws (the suite fails); otherwise prints and returns why it skips. */
export function requireRealMilvus(suiteName: string): string | undefined {
  const available = realMilvusAvailable();
  if (available.ok) return undefined;
  const reason = `${suiteName}: real Milvus is not available: ${available.reason}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  console.warn(`SKIPPED ${reason}`);
  return reason;
}

export interface RealStandalone {
  /** 127.0.0.1:<port>, the proxy's gRPC address */
  address: string;
  port: number;
  /** /metrics and /healthz */
  metricsPort: number;
  dataDir: string;
  /** GetVersion's answer, e.g. v2.3.5-lite */
  version: string;
  /** `local down`: stops the supervisor and the server; no process is left behind */
  stop(): Promise<void>;
}

/** A real Milvus standalone on free ports (client, internal, coordinators, metrics, embedded etcd), under our
 * supervisor (a killed standalone is restarted). Without `dataDir` it gets a fresh one in the temp dir. */
export async function startRealStandalone(opts: { dataDir?: string } = {}): Promise<RealStandalone> {
  const dataDir = resolve(opts.dataDir ?? mkdtempSync(join(tmpdir(), 'real-standalone-')));
  const local = await dist<LocalApi>('local/index.js');
  const { PortAllocator } = await dist<PlanApi>('local/milvus/cluster-plan.js');
  const port = await new PortAllocator().take();
  await local.startLocalCluster({ dataDir, port, proxies: 1, querynodes: 1, engine: 'milvus', topology: 'standalone', detach: true, readyTimeoutMs: 120_000 });
  const status = await local.findLocalCluster(dataDir, { version: true });
  const standalone = status?.components.find((c) => c.name === 'standalone');
  if (!status || !standalone?.metricsPort || !status.version) {
    await local.downLocalCluster(dataDir);
    throw new Error(`real standalone in ${dataDir} started but does not answer GetVersion (see ${standalone?.logFile ?? dataDir})`);
  }
  return { address: status.address, port, metricsPort: standalone.metricsPort, dataDir, version: status.version, stop: () => local.downLocalCluster(dataDir) };
}
