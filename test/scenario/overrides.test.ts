import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { applyOverrides, validateConfig, validateScenario, type Scenario } from '../../src/scenario/index.js';

function scenario(input: object): Scenario {
  const { value, errors } = validateScenario({ name: 's', ...input }, '/tmp/s.ts');
  expect(errors).toEqual([]);
  return value!;
}
function thrownBy(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}
const config = validateConfig({ workers: 2, reportDir: 'from-config' }, undefined, {}).value!;

describe('applyOverrides', () => {
  const twoPhases = scenario({
    phases: [
      { name: 'warmup', duration: '20s', rate: 50, maxInFlight: 10 },
      { name: 'main', duration: '40s', concurrency: 8, maxRequests: 100 },
    ],
    faults: [{ at: '30s', action: 'pause', target: { role: 'querynode' }, revertAfter: '5s', repeat: { every: '15s', times: 2 } }],
  });

  it('changes nothing without flags', () => {
    const result = applyOverrides(twoPhases, config, {});
    expect(result.scenario).toEqual(twoPhases);
    expect(result.config).toEqual(config);
  });

  it('--duration sets the total load time, scaling phases and fault times but not revertAfter', () => {
    const { scenario: scaled } = applyOverrides(twoPhases, config, { durationMs: 30_000 });
    expect(scaled.phases.map((p) => p.durationMs)).toEqual([10_000, 20_000]);
    expect(scaled.faults[0]).toMatchObject({ atMs: 15_000, revertAfterMs: 5000, repeat: { everyMs: 7500, times: 2 } });
    expect(thrownBy(() => applyOverrides(twoPhases, config, { durationMs: 20_000 })).problems).toEqual(['scenario.faults[0].repeat.every: 5s is not longer than revertAfter (5s), so occurrences would overlap (allowed: durations longer than 5s)']);
    expect(twoPhases.phases[0].durationMs).toBe(20_000);
  });

  it('--rate switches every phase to open loop, --concurrency to closed loop', () => {
    const open = applyOverrides(twoPhases, config, { rate: 200 }).scenario.phases;
    expect(open.map((p) => [p.mode, p.mode === 'open' ? p.rate : null])).toEqual([
      ['open', 200],
      ['open', 200],
    ]);
    expect(open[0]).toMatchObject({ maxInFlight: 10 });
    expect(open[1]).toMatchObject({ maxInFlight: 1000, maxRequests: 100 });
    expect(open[1]).not.toHaveProperty('concurrency');
    const closed = applyOverrides(twoPhases, config, { concurrency: 3 }).scenario.phases;
    expect(closed.map((p) => [p.mode, p.mode === 'closed' ? p.concurrency : null])).toEqual([
      ['closed', 3],
      ['closed', 3],
    ]);
    expect(closed[0]).not.toHaveProperty('rate');
    expect(() => applyOverrides(twoPhases, config, { rate: 1, concurrency: 1 })).toThrow(UsageError);
  });

  it('flags win over the config: target, out, workers; a remote target turns the local fault backend off', () => {
    const { config: overridden } = applyOverrides(twoPhases, config, { target: 'db.example:19530', out: 'flag-dir', workers: 1 });
    expect(overridden.target.address).toBe('db.example:19530');
    expect(overridden.reportDir).toBe('flag-dir');
    expect(overridden.workers).toBe(1);
    expect(overridden.faults.backend).toBe('none');
    expect(config.target.address).toBe('local');
    expect(thrownBy(() => applyOverrides(twoPhases, config, { target: 'db.example' })).message).toBe(
      '--target: must be "local", host:port, http(s)://host[:port] or grpc(s)://host[:port] (got "db.example")',
    );
    expect(applyOverrides(twoPhases, overridden, { target: 'local' }).config.faults.backend).toBe('local');
    const dockerConfig = validateConfig({ faults: { backend: 'docker' } }, undefined, {}).value!;
    expect(applyOverrides(twoPhases, dockerConfig, { target: 'db:19530' }).config.faults.backend).toBe('docker');
  });

  it('validates the result again', () => {
    const tight = scenario({
      phases: [{ duration: '60s', concurrency: 1 }],
      faults: [{ at: '10s', action: 'kill', target: { role: 'proxy' } }, { at: '59s', action: 'kill', target: { role: 'proxy' } }],
    });
    // 59 s of 60 s scales to 0.983 s of 1 s: still inside; an explicit check below forces a collision.
    expect(applyOverrides(tight, config, { durationMs: 1000 }).scenario.faults.map((f) => f.atMs)).toEqual([167, 983]);
    const clash = { ...tight, phases: [{ ...tight.phases[0], name: 'a' }, { ...tight.phases[0], name: 'a' }] };
    expect(thrownBy(() => applyOverrides(clash, config, { concurrency: 2 })).problems).toEqual(['scenario.phases[1].name: "a" is already used by phases[0] (allowed: a name no other phase has)']);
  });
});
