// The standalone's milvus.yaml, rendered from the wheel's own template (or a small stand-in without the wheel):
// every placeholder filled, every port ours (no Milvus default left), the embedded etcd pointed at its own config.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedEtcdYaml, setYamlKey } from '../../src/local/milvus/config.js';
import { writeStandaloneConfig, type StandalonePorts } from '../../src/local/milvus/standalone.js';

function templateDir(): string | null {
  try {
    return join(execFileSync('python3', ['-c', 'import milvus, os; print(os.path.dirname(milvus.__file__))'], { encoding: 'utf8' }).trim(), 'data');
  } catch {
    return null;
  }
}

const ports: StandalonePorts = { proxy: 21001, proxyInternal: 21002, rootCoord: 21003, queryCoord: 21004, queryNode: 21005, dataCoord: 21006, dataNode: 21007, indexNode: 21008, indexCoord: 21009, etcdClient: 21010, etcdPeer: 21011, metrics: 21012 };

describe('setYamlKey', () => {
  const yaml = 'etcd:\n  endpoints: localhost:2379 # where\n  data:\n    dir: /x\nproxy:\n  ip: # first address\n  port: 19530\n';
  it('replaces an existing key, keeping its comment, and only under the right parent', () => {
    const out = setYamlKey(setYamlKey(yaml, 'etcd.endpoints', '127.0.0.1:1'), 'proxy.port', '2');
    expect(out).toContain('  endpoints: 127.0.0.1:1 # where\n');
    expect(out).toContain('  port: 2\n');
    expect(setYamlKey(yaml, 'proxy.ip', '127.0.0.1')).toContain('  ip: 127.0.0.1 # first address\n');
  });
  it('inserts missing levels under the deepest existing parent, or at the end', () => {
    expect(setYamlKey(yaml, 'etcd.config.path', '/c.yaml')).toContain('etcd:\n  config:\n    path: /c.yaml\n  endpoints:');
    expect(setYamlKey(yaml, 'common.session.ttl', '3').endsWith('common:\n  session:\n    ttl: 3\n')).toBe(true);
  });
});

describe('writeStandaloneConfig', () => {
  const dir = templateDir();
  it.skipIf(!dir)('fills the wheel template: our ports only, embedded etcd config, loopback ips, session ttl', async () => {
    const home = mkdtempSync(join(tmpdir(), 'standalone-config-'));
    const configDir = await writeStandaloneConfig(home, dir!, ports, 3);
    const yaml = readFileSync(join(configDir, 'milvus.yaml'), 'utf8');
    expect(yaml).not.toContain('{{');
    for (const port of Object.values(ports).filter((p) => p !== ports.metrics && p !== ports.etcdPeer)) expect(yaml).toMatch(new RegExp(`[: ]${port}\\b`));
    for (const fallback of [19530, 19529, 53100, 19531, 21123, 13333, 21124, 21121, 22930, 2379]) expect(yaml).not.toMatch(new RegExp(`(:|localhost:)\\s*${fallback}\\b`));
    expect(yaml).toMatch(/^etcd:\n(?:.*\n)*?\s+config:\n\s+path: .*embed-etcd\.yaml$/m);
    expect(yaml).toMatch(/^\s+endpoints: 127\.0\.0\.1:21010$/m);
    expect(yaml).not.toMatch(/^\s+ip:\s*(#.*)?$/m);
    expect(yaml).toMatch(/^\s+session:\n\s+ttl: 3\b/m);
    expect(readFileSync(join(configDir, 'embed-etcd.yaml'), 'utf8')).toBe(embeddedEtcdYaml(join(home, 'data', 'etcd.data'), { client: 21010, peer: 21011 }));
  });
});
