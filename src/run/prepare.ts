// Everything a run needs before touching the network: config, scenario, flag overrides, parsed SLOs.
import type { RunFlags } from './options.js';
import { UsageError } from '../errors.js';
import type { BenchConfig, RunOverrides, Scenario } from '../scenario/index.js';
import { applyOverrides, loadConfig, loadScenario, parseDuration } from '../scenario/index.js';
import type { ParsedSlo } from '../slo/index.js';
import { parseSlos } from '../slo/index.js';

export interface PreparedRun {
  scenario: Scenario;
  config: BenchConfig;
  slos: ParsedSlo[];
}

export async function prepareRun(flags: Pick<RunFlags, 'scenario' | 'config'> & Partial<RunFlags>): Promise<PreparedRun> {
  const overrides = overridesFromFlags(flags);
  const config = await loadConfig(flags.config);
  const loaded = await loadScenario(flags.scenario);
  const { scenario, config: effectiveConfig } = applyOverrides(loaded, config, overrides);
  const sloSpec = { ...effectiveConfig.slo, ...scenario.slo };
  const parsed = parseSlos(sloSpec, scenario);
  if (parsed.errors.length > 0) {
    throw new UsageError(`${scenario.file}: ${parsed.errors.length} invalid SLO(s)`, parsed.errors);
  }
  return { scenario, config: effectiveConfig, slos: parsed.value };
}

function overridesFromFlags(flags: Partial<RunFlags>): RunOverrides {
  const overrides: RunOverrides = {};
  if (flags.target !== undefined) overrides.target = flags.target;
  if (flags.out !== undefined) overrides.out = flags.out;
  if (flags.duration !== undefined) {
    const durationMs = parseDuration(flags.duration);
    if (durationMs === null || durationMs <= 0) {
      throw new UsageError(`--duration: must be a positive duration such as 30s, 2m or 500ms (got "${flags.duration}")`);
    }
    overrides.durationMs = durationMs;
  }
  for (const key of ['rate', 'concurrency', 'workers'] as const) {
    const value = flags[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0 || (key !== 'rate' && !Number.isInteger(value))) {
      throw new UsageError(`--${key}: must be a positive ${key === 'rate' ? 'number' : 'integer'} (got ${value})`);
    }
    overrides[key] = value;
  }
  return overrides;
}
