// Bad flags and missing dependencies of the real cluster: one line naming the flag or the missing program and how to
// install it, the right exit code, nothing left running. And the cluster config rendered from the wheel's template.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderClusterConfig } from '../../src/local/milvus/cluster-config.js';
import { runCli, scratchDir } from '../cli/harness.js';

const input = { templateDir: '', etcdEndpoint: '127.0.0.1:23001', kafkaBroker: '127.0.0.1:23002', storagePath: '/data/storage', sessionTtlSeconds: 3 };

function wheelTemplate(): string | null {
  try {
    const dir = execFileSync('python3', ['-c', 'import milvus, os; print(os.path.dirname(milvus.__file__))'], { encoding: 'utf8' }).trim();
    const file = join(dir, 'data', 'config.yaml.template');
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
}

describe('local up --engine milvus --topology cluster: bad input', () => {
  it('rejects --topology without --engine milvus and an unknown topology, exit 2, one line', async () => {
    const dir = scratchDir('real-cluster-flags');
    const builtin = await runCli(['local', 'up', '--topology', 'cluster', '--data-dir', join(dir, 'd'), '--detach'], { cwd: dir, timeoutMs: 30_000 });
    expect(builtin.code).toBe(2);
    expect(builtin.stderr.trim().split('\n')).toHaveLength(1);
    expect(builtin.stderr).toContain('--topology: is set without --engine milvus');
    const mesh = await runCli(['local', 'up', '--engine', 'milvus', '--topology', 'mesh', '--data-dir', join(dir, 'd'), '--detach'], { cwd: dir, timeoutMs: 30_000 });
    expect(mesh.code).toBe(2);
    expect(mesh.stderr).toContain('--topology: "mesh" is not allowed (allowed: standalone, cluster)');
  });

  it('names etcd and its install command when etcd is not on PATH, exit 4 within seconds, nothing started', async () => {
    const dir = scratchDir('real-cluster-noetcd');
    const dataDir = join(dir, 'd');
    const run = await runCli(['local', 'up', '--engine', 'milvus', '--topology', 'cluster', '--data-dir', dataDir, '--detach'], { cwd: dir, timeoutMs: 30_000, env: { PATH: join(dir, 'empty-bin') } });
    expect(run.code).toBe(4);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('needs etcd, which is not on PATH: apt-get install etcd-server')]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.elapsedMs).toBeLessThan(10_000);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);
  });
});

describe('the real cluster milvus.yaml', () => {
  it('switches the template to cluster mode and fails on a template it does not understand', () => {
    const template = wheelTemplate() ?? 'etcd:\n  endpoints: localhost:{{ etcd_port(int): 2379 }}\n  use:\n    embed: true\nlocalStorage:\n  path: {{ local_storage_dir }}\nmq:\n  # note\n  type: rocksmq\nproxy:\n  ip: # first address\ncommon:\n  storageType: local\n  session:\n    ttl: 30\n';
    const yaml = renderClusterConfig(template, input);
    expect(yaml).not.toContain('{{');
    expect(yaml).toMatch(/^etcd:\n\s+endpoints: 127\.0\.0\.1:23001$/m);
    expect(yaml).toMatch(/^\s+embed: false$/m);
    expect(yaml).toMatch(/^mq:\n(?:\s*#.*\n)*\s+type: kafka$/m);
    expect(yaml).toMatch(/^\s+session:\n\s+ttl: 3$/m);
    expect(yaml).toContain('path: /data/storage');
    expect(yaml).not.toMatch(/^\s+ip:\s*(#.*)?$/m);
    expect(yaml.trimEnd().endsWith('kafka:\n  brokerList: 127.0.0.1:23002')).toBe(true);
    expect(() => renderClusterConfig(template.replace(/^\s+embed: true.*$/m, ''), input)).toThrow('the Milvus config template has no etcd.use.embed line');
  });
});
