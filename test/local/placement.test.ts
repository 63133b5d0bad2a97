// Pure logic of the local cluster: segment placement over querynodes, replica groups, the `local up` config file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { place, replicaGroups } from '../../src/local/assignment.js';
import { loadLocalConfig } from '../../src/local/config.js';
import { componentCommand } from '../../src/local/layout.js';

const input = (segments: number[], replicas: number, live: string[], loaded: Record<string, number[]> = {}) => ({
  segments,
  replicas,
  live,
  loaded: new Map(Object.entries(loaded).map(([n, ids]) => [n, new Set(ids)])),
  load: new Map(live.map((n) => [n, 0])),
});

describe('segment placement', () => {
  it('puts every segment on R distinct nodes', () => {
    const placement = place(new Map(), input([1, 2, 3], 2, ['qn-1', 'qn-2', 'qn-3']));
    for (const nodes of placement.values()) expect(new Set(nodes).size).toBe(2);
    expect(replicaGroups(placement, 2).every((g) => g.length > 0)).toBe(true);
  });

  it('moves a dead node’s segments to live nodes and restores R when it rejoins', () => {
    const both = place(new Map(), input([1, 2], 2, ['qn-1', 'qn-2']));
    const degraded = place(both, input([1, 2], 2, ['qn-2']));
    expect([...degraded.values()]).toEqual([['qn-2'], ['qn-2']]);
    const restored = place(degraded, input([1, 2], 2, ['qn-1', 'qn-2']));
    for (const nodes of restored.values()) expect(nodes.sort()).toEqual(['qn-1', 'qn-2']);
  });

  it('rebalances replica 1 onto a rejoined node without dropping the source before the target has loaded', () => {
    const alone = place(new Map(), input([1, 2, 3, 4], 1, ['qn-2']));
    const moving = place(alone, input([1, 2, 3, 4], 1, ['qn-1', 'qn-2'], { 'qn-2': [1, 2, 3, 4] }));
    const moved = [...moving].find(([, nodes]) => nodes.length === 2)!;
    expect(moved[1]).toEqual(['qn-2', 'qn-1']);
    const done = place(moving, input([1, 2, 3, 4], 1, ['qn-1', 'qn-2'], { 'qn-2': [1, 2, 3, 4], 'qn-1': [moved[0]] }));
    expect(done.get(moved[0])).toEqual(['qn-1']);
  });
});

describe('local up config file', () => {
  it('reads known keys and names the file and key of every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-local-config-'));
    expect(loadLocalConfig(dir)).toEqual({});
    writeFileSync(join(dir, 'local.config.json'), JSON.stringify({ proxies: 3, sessionTtlMs: 1500, autoRestart: false }));
    expect(loadLocalConfig(dir)).toEqual({ proxies: 3, sessionTtlMs: 1500, autoRestart: false });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ proxies: 'two', colour: 1 }));
    expect(() => loadLocalConfig(dir, bad)).toThrow(/bad\.json: proxies must be a non-negative integer/);
  });

  it('builds a standalone launch command with the coordinator address and data dir as arguments', () => {
    const argv = componentCommand('querynode', 'querynode-7', { dataDir: '/d', coordinator: '127.0.0.1:1234', grpcPort: 0, metricsPort: 0, sessionTtlMs: 3000 });
    expect(argv[0]).toBe(process.execPath);
    expect(argv.slice(2)).toEqual(['querynode', '--name', 'querynode-7', '--data-dir', '/d', '--coordinator', '127.0.0.1:1234', '--grpc-port', '0', '--metrics-port', '0', '--session-ttl', '3000']);
  });
});
