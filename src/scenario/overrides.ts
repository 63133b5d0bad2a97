// Flag overrides for `run`: flags > scenario > config.
import { UsageError } from '../errors.js';
import type { BenchConfig, FaultSpec, Phase, RunOverrides, Scenario } from '../model/index.js';
import { isTargetAddress, redactAddress } from '../model/address.js';
import { checkScenario, defaultMaxInFlight, totalLoadMs } from './validate.js';

/**
 * --target / --out / --workers replace the config values (--target also switches a 'local' fault backend off for a
 * remote target and back on for 'local'). --duration sets the TOTAL load time: phase durations scale in proportion
 * and so do fault times (`at`, `repeat.every`), so a kill at 20 s of a 60 s run lands at 10 s of a 30 s run;
 * `revertAfter` is kept (how long a component stays broken is part of the fault). --rate switches every phase to
 * open loop at that rate (no ramp), --concurrency to closed loop; they cannot be combined.
 */
export function applyOverrides(
  scenario: Scenario,
  config: BenchConfig,
  overrides: RunOverrides,
): { scenario: Scenario; config: BenchConfig } {
  if (overrides.rate !== undefined && overrides.concurrency !== undefined) {
    throw new UsageError('--rate and --concurrency cannot be combined: a phase is either open loop (rate) or closed loop (concurrency)');
  }
  if (overrides.target !== undefined && !isTargetAddress(overrides.target)) {
    throw new UsageError(`--target: must be "local", host:port, http(s)://host[:port] or grpc(s)://host[:port] (got "${redactAddress(overrides.target)}")`);
  }
  let phases = scenario.phases;
  let faults = scenario.faults;
  if (overrides.durationMs !== undefined) {
    const scale = overrides.durationMs / totalLoadMs(phases);
    phases = scaleDurations(phases, overrides.durationMs);
    faults = faults.map((fault) => scaleFault(fault, scale));
  }
  if (overrides.rate !== undefined) phases = phases.map((phase) => toOpenLoop(phase, overrides.rate!));
  if (overrides.concurrency !== undefined) phases = phases.map((phase) => toClosedLoop(phase, overrides.concurrency!));
  const resolved = { ...scenario, phases, faults };
  const errors = checkScenario(resolved);
  if (errors.length > 0) throw new UsageError(`${scenario.file}: invalid after applying flags`, errors);
  return { scenario: resolved, config: overrideConfig(config, overrides) };
}

function overrideConfig(config: BenchConfig, overrides: RunOverrides): BenchConfig {
  const result: BenchConfig = { ...config, target: { ...config.target }, faults: { ...config.faults } };
  if (overrides.target !== undefined) {
    result.target.address = overrides.target;
    const remote = overrides.target !== 'local';
    if (remote && result.faults.backend === 'local') result.faults.backend = 'none';
    if (!remote && result.faults.backend === 'none') result.faults.backend = 'local';
  }
  if (overrides.out !== undefined) result.reportDir = overrides.out;
  if (overrides.workers !== undefined) result.workers = overrides.workers;
  return result;
}

/** Proportional shares of the new total; the last phase takes the rounding remainder. */
function scaleDurations(phases: Phase[], totalMs: number): Phase[] {
  const oldTotal = totalLoadMs(phases);
  let assigned = 0;
  return phases.map((phase, i) => {
    const durationMs = i === phases.length - 1 ? totalMs - assigned : Math.round((phase.durationMs / oldTotal) * totalMs);
    assigned += durationMs;
    return { ...phase, durationMs: Math.max(1, durationMs) };
  });
}

function scaleFault(fault: FaultSpec, scale: number): FaultSpec {
  const scaled: FaultSpec = { ...fault, atMs: Math.round(fault.atMs * scale) };
  if (fault.repeat) scaled.repeat = { ...fault.repeat, everyMs: Math.max(1, Math.round(fault.repeat.everyMs * scale)) };
  return scaled;
}

function toOpenLoop(phase: Phase, rate: number): Phase {
  const { name, durationMs, operations, timeoutMs, maxRequests } = phase;
  const maxInFlight = phase.mode === 'open' ? phase.maxInFlight : defaultMaxInFlight(rate, timeoutMs);
  return { name, durationMs, operations, timeoutMs, ...(maxRequests !== undefined ? { maxRequests } : {}), mode: 'open', rate, maxInFlight };
}

function toClosedLoop(phase: Phase, concurrency: number): Phase {
  const { name, durationMs, operations, timeoutMs, maxRequests } = phase;
  return { name, durationMs, operations, timeoutMs, ...(maxRequests !== undefined ? { maxRequests } : {}), mode: 'closed', concurrency };
}
