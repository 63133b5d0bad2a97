import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { TargetError, UsageError } from '../../src/errors.js';
import type { TargetConfig } from '../../src/model/index.js';
import { connectTarget } from '../../src/target/index.js';
import { startProtocolServer } from './protocol-server.js';

const CLOSED_PORT = 19851; // in this suite's range; nothing listens here

function config(address: string, overrides: Partial<TargetConfig> = {}): TargetConfig {
  return { address, tls: false, connectTimeoutMs: 2000, ...overrides };
}

async function failure(run: () => Promise<unknown>): Promise<{ error: TargetError; ms: number }> {
  const start = performance.now();
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(TargetError);
    return { error: error as TargetError, ms: performance.now() - start };
  }
  throw new Error('expected a TargetError');
}

describe('connectTarget', () => {
  const sockets: Socket[] = [];
  let silent: Server | undefined;
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(null)));
  });

  it('gives up on a closed port within the connect timeout, naming the address, on one line', async () => {
    const { error, ms } = await failure(() => connectTarget(config(`127.0.0.1:${CLOSED_PORT}`)));
    expect(error.message).toMatch(new RegExp(`^cannot reach Milvus at 127\\.0\\.0\\.1:${CLOSED_PORT} within 2s \\(UNAVAILABLE: .*ECONNREFUSED.*\\)$`));
    expect(error.message).not.toContain('\n');
    expect(error.exitCode).toBe(4);
    expect(ms).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(10_000);
  });

  it('gives up on a server that accepts TCP but never answers', async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const { error, ms } = await failure(() => connectTarget(config(`http://127.0.0.1:${port}`, { connectTimeoutMs: 1500 })));
    expect(error.message).toMatch(new RegExp(`^cannot reach Milvus at 127\\.0\\.0\\.1:${port} within 1\\.5s`));
    expect(ms).toBeLessThan(10_000);
  });

  it('never shows credentials from the address or the config', async () => {
    const { error } = await failure(() =>
      connectTarget(config(`http://alice:s3cret-pw@127.0.0.1:${CLOSED_PORT}`, { token: 'tok-123', connectTimeoutMs: 600 })),
    );
    expect(error.message).toContain(`127.0.0.1:${CLOSED_PORT}`);
    expect(error.message).not.toMatch(/s3cret|tok-123|alice/);
  });
});

describe('connectTarget against a live server', () => {
  it('connects, reads the server version, closes twice without error', async () => {
    const server = await startProtocolServer();
    try {
      const conn = await connectTarget(config(server.address, { database: 'analytics' }));
      expect(conn).toMatchObject({ address: server.address, serverVersion: 'protocol-test-server', database: 'analytics' });
      expect(conn.connectStep).toMatchObject({ step: 'connect', detail: `${server.address} (server protocol-test-server)` });
      await conn.close();
      await conn.close();
    } finally {
      await server.close();
    }
  });

  it('speaks TLS for https:// and tls: true (a plaintext server then cannot be reached)', async () => {
    const server = await startProtocolServer();
    try {
      for (const cfg of [config(`https://${server.address}`, { connectTimeoutMs: 1000 }), config(server.address, { tls: true, connectTimeoutMs: 1000 })]) {
        const { error } = await failure(() => connectTarget(cfg));
        expect(error.message).toMatch(new RegExp(`^cannot reach Milvus at ${server.address} within 1s \\(UNAVAILABLE: .+\\)$`));
      }
      expect(server.calls).not.toContain('Connect');
    } finally {
      await server.close();
    }
  });

  it('reports a refused handshake (unknown database) at once, with the reason', async () => {
    const server = await startProtocolServer({ refuseConnect: 'database not found[database=nope]' });
    try {
      const { error, ms } = await failure(() => connectTarget(config(server.address, { database: 'nope' })));
      expect(error.message).toBe(`Milvus at ${server.address} refused the connection (database not found[database=nope])`);
      expect(ms).toBeLessThan(1500);
    } finally {
      await server.close();
    }
  });
});
