// --dry-run on the local target when no cluster runs yet: say what a run would start and schedule, start nothing.
import { resolve } from 'node:path';
import { expandOccurrences } from '../faults/index.js';
import { findLocalCluster } from '../target/local-cluster.js';
import type { BenchConfig, Scenario } from '../scenario/index.js';
import { isLocalAddress } from '../model/address.js';

/** Lines to print, or null when the regular dry run (which resolves real targets) applies. */
export async function describeUnstartedLocalPlan(config: BenchConfig, scenario: Scenario): Promise<string[] | null> {
  if (!isLocalAddress(config.target.address)) return null;
  const dataDir = resolve(config.local.dataDir);
  if (await findLocalCluster(dataDir)) return null;
  const { proxies, querynodes } = config.local;
  const lines = [
    `dry run: no local cluster runs in ${dataDir}; a run would start one (${proxies} proxies, ${querynodes} querynodes on port ${config.local.port}) and pick among its components then`,
  ];
  for (const { atMs, spec, occurrence } of expandOccurrences(scenario.faults)) {
    const repeat = spec.repeat ? ` #${occurrence + 1}/${spec.repeat.times}` : '';
    const revert = spec.revertAfterMs !== undefined ? `, revert after ${spec.revertAfterMs / 1000}s` : '';
    lines.push(`  at ${atMs / 1000}s: ${spec.action} ${spec.target.role} (pick ${String(spec.target.pick)})${repeat}${revert}`);
  }
  if (scenario.faults.length === 0) lines.push('  no faults in this scenario');
  return lines;
}
