// Pure pick resolution, schedule expansion, and backend selection by config.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createFaultBackend, expandOccurrences, pickTargets } from '../../src/faults/index.js';
import type { BenchConfig, FaultSpec } from '../../src/model/index.js';

const nodes = ['querynode-3', 'querynode-1', 'querynode-2', 'querynode-4'].map((name) => ({ name, role: 'querynode' as const, id: name }));
const names = (r: { targets: { name: string }[] }) => r.targets.map((t) => t.name);

describe('pickTargets', () => {
  it('resolves all, first, exact names, counts and percents; random picks are seeded', () => {
    expect(names(pickTargets(nodes, 'all', 1, 'querynode'))).toEqual(['querynode-1', 'querynode-2', 'querynode-3', 'querynode-4']);
    expect(pickTargets(nodes, 'first', 1, 'querynode')).toMatchObject({ detail: 'first by name among 4', targets: [{ name: 'querynode-1' }] });
    expect(pickTargets(nodes, 'querynode-3', 1, 'querynode')).toMatchObject({ detail: 'exact name', targets: [{ name: 'querynode-3' }] });
    expect(pickTargets(nodes, 2, 7, 'querynode').targets).toHaveLength(2);
    expect(pickTargets(nodes, '50%', 7, 'querynode').targets).toHaveLength(2);
    expect(pickTargets(nodes, '10%', 7, 'querynode').targets).toHaveLength(1);
    expect(pickTargets(nodes, 'one', 7, 'querynode').detail).toBe('seeded random (seed 7) 1 of 4');
    expect(names(pickTargets(nodes, 'one', 7, 'querynode'))).toEqual(names(pickTargets([...nodes].reverse(), 'one', 7, 'querynode')));
    const spread = new Set(Array.from({ length: 40 }, (_, seed) => names(pickTargets(nodes, 'one', seed, 'querynode'))[0]));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('explains impossible picks', () => {
    expect(() => pickTargets(nodes, 5, 1, 'querynode')).toThrow('pick 5 needs 5 querynode targets but only 4 exist (querynode-1, querynode-2, querynode-3, querynode-4)');
    expect(() => pickTargets(nodes, 'querynode-9', 1, 'querynode')).toThrow("no querynode target named 'querynode-9' (found: querynode-1, querynode-2, querynode-3, querynode-4)");
    expect(() => pickTargets([], 'one', 1, 'proxy')).toThrow('no proxy targets found');
    expect(() => pickTargets(nodes, 0, 1, 'querynode')).toThrow('pick 0 must select at least one target');
  });
});

describe('expandOccurrences', () => {
  it('orders repeats of every spec by time', () => {
    const specs: FaultSpec[] = [
      { atMs: 1000, action: 'kill', target: { role: 'proxy', pick: 'one' }, repeat: { everyMs: 2000, times: 3 }, options: {} },
      { atMs: 2000, action: 'pause', target: { role: 'querynode', pick: 'all' }, options: {} },
    ];
    expect(expandOccurrences(specs).map((o) => [o.index, o.occurrence, o.atMs])).toEqual([
      [0, 0, 1000],
      [1, 0, 2000],
      [0, 1, 3000],
      [0, 2, 5000],
    ]);
  });
});

describe('createFaultBackend', () => {
  const config = (faults: Partial<BenchConfig['faults']>) =>
    ({
      faults: {
        backend: 'process',
        allow: [],
        docker: { services: {}, namePatterns: {} },
        kubernetes: { namespace: 'default', instance: 'milvus', selectors: {} },
        process: { patterns: { querynode: 'querynode' } },
        ...faults,
      },
    }) as BenchConfig;

  it('chooses by faults.backend and checks every spec when given them', async () => {
    expect((await createFaultBackend(config({}))).name).toBe('process');
    expect((await createFaultBackend(config({ backend: 'docker' }))).name).toBe('docker');
    const problems = createFaultBackend(config({}), {
      faults: [
        { atMs: 0, action: 'partition', target: { role: 'querynode', pick: 'one' }, options: {} },
        { atMs: 0, action: 'kill', target: { role: 'proxy', pick: 'one' }, options: {} },
      ],
    });
    await expect(problems).rejects.toBeInstanceOf(UsageError);
    await expect(problems).rejects.toMatchObject({
      problems: [
        "faults[0] (partition querynode): fault action 'partition' is not supported by the process fault backend (it can only signal processes it did not start: kill and pause; use the local, docker or kubernetes backend, or exec with your own command)",
        "faults[1] (kill proxy): faults.process.patterns has no command-line pattern for role 'proxy'",
      ],
    });
  });

  it('refuses none and local without a local cluster', async () => {
    await expect(createFaultBackend(config({ backend: 'none' }))).rejects.toThrow(/faults.backend is 'none' but the scenario schedules faults/);
    await expect(createFaultBackend(config({ backend: 'local' }))).rejects.toThrow(/needs the local cluster/);
  });
});
