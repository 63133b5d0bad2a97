// Shared by the real-cluster tests: can a real Milvus cluster run here, free ports, and what processes a data dir
// still has. Under CI=true a missing dependency fails the suite (never skips).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { LocalClusterStatus, LocalComponentStatus } from '../../src/local/index.js';
import { runCli, type CliRun } from '../cli/harness.js';

function onPath(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** null when etcd, java, mvn (or cached Kafka jars) and the `milvus` Python package are here; else why not. */
export function realClusterMissing(): string | null {
  const missing: string[] = [];
  try {
    execFileSync('python3', ['-c', 'import milvus'], { stdio: 'ignore' });
  } catch {
    missing.push('the milvus Python package (pip install milvus==2.3.5)');
  }
  if (!onPath('etcd')) missing.push('etcd (apt-get install etcd-server)');
  if (!onPath('java')) missing.push('java (apt-get install openjdk-17-jre-headless)');
  if (!onPath('mvn')) missing.push('mvn (apt-get install maven)');
  return missing.length > 0 ? `missing ${missing.join(', ')}; run scripts/real-cluster-env.sh` : null;
}

/** Throws under CI=true; otherwise prints why the file is skipped. Returns true when the tests can run. */
export function requireRealCluster(testFile: string): boolean {
  const missing = realClusterMissing();
  if (!missing) return true;
  if (process.env.CI === 'true') throw new Error(`${testFile}: CI=true and the real Milvus cluster cannot run: ${missing}`);
  console.warn(`SKIPPED ${testFile}: ${missing}`);
  return false;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** pids of live processes whose command line names `dataDir` (what `local down` must leave none of). */
export function processesOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').replaceAll('\0', ' ');
      // the CLI itself (e.g. a `local status` in flight) is not part of the cluster
      if (cmdline.includes(dataDir) && !cmdline.includes('bin/milvus-bench.js')) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** What `local status --json` prints (the CLI's own JSON, read back through the library's types). */
export type StatusComponent = LocalComponentStatus;
export type ClusterStatus = LocalClusterStatus;

export async function status(dir: string, dataDir: string): Promise<ClusterStatus> {
  const run: CliRun = await runCli(['local', 'status', '--json', '--data-dir', dataDir], { cwd: dir, timeoutMs: 30_000 });
  if (run.code !== 0) throw new Error(`local status failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ClusterStatus;
}

/** count(*) read straight from the server (strong consistency), independent of the tool's own bookkeeping. */
export async function countRows(address: string, collection: string): Promise<number> {
  const client = new MilvusClient({ address, timeout: 30_000, logLevel: 'error' });
  try {
    const reply = await client.query({ collection_name: collection, output_fields: ['count(*)'], filter: '', consistency_level: 'Strong' as never });
    if (reply.status.error_code !== 'Success') throw new Error(`count(*) on ${collection}: ${reply.status.reason}`);
    return Number(reply.data[0]?.['count(*)']);
  } finally {
    await client.closeConnection();
  }
}
