// Real Milvus for the benches: is it installed here (and if not, the one line that says how to install it), and
// how much CPU its processes used, read from /proc/<pid>/stat (utime + stime of all threads).
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fromDist } from './fixture.mjs';

const CLUSTER_TOOLS = [
  ['etcd', 'apt-get install etcd-server'],
  ['java', 'apt-get install openjdk-17-jre-headless'],
  ['mvn', 'apt-get install maven'],
];

function onPath(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** null when real Milvus (and, for the cluster, etcd, java and mvn) can run here; otherwise the install command */
export async function realMilvusMissing(topology = 'standalone') {
  const { findMilvusServer, MILVUS_SERVER_INSTALL } = await fromDist('local/milvus/binary.js');
  const missing = [];
  try {
    findMilvusServer();
  } catch {
    missing.push(MILVUS_SERVER_INSTALL);
  }
  if (topology === 'cluster') for (const [tool, install] of CLUSTER_TOOLS) if (!onPath(tool)) missing.push(install);
  if (missing.length === 0) return null;
  return topology === 'cluster' ? `${missing.join(' && ')} (or scripts/real-cluster-env.sh)` : missing.join(' && ');
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU ms a process used so far (all its threads); the command name may hold spaces and parentheses */
export function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm) ": state is field 3, utime 14, stime 15
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** the server side of `measured()`: total CPU ms of the given processes; a process that died fails loudly */
export function processesCpu(pids) {
  return { pids, cpuMs: async () => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0) };
}

/** clock ticks the whole machine spent so far, busy and in all (the `cpu` line of /proc/stat; idle and iowait are not busy) */
export function machineTicks() {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: total - ticks[3] - ticks[4], total };
}
