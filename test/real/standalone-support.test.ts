// test/support/real-milvus.ts itself: startRealStandalone gives a real server on free ports that answers
// GetVersion and /healthz, and stop() leaves no process of its data dir behind.
import { afterAll, describe, expect, it } from 'vitest';
import { processesOf } from './cluster-support.js';
import { requireRealMilvus, startRealStandalone, type RealStandalone } from '../support/real-milvus.js';

const skip = requireRealMilvus('test/real/standalone-support.test.ts');

describe.skipIf(skip)('startRealStandalone', () => {
  let a: RealStandalone | undefined;
  let b: RealStandalone | undefined;
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('runs two real standalones side by side on ports of their own, and stop() leaves no process', async () => {
    [a, b] = await Promise.all([startRealStandalone(), startRealStandalone()]);
    for (const s of [a, b]) {
      expect(s.version).toMatch(/^v2\.3\./);
      expect(await (await fetch(`http://127.0.0.1:${s.metricsPort}/healthz`)).text()).toContain('OK');
    }
    expect(new Set([a.port, a.metricsPort, b.port, b.metricsPort]).size).toBe(4);
    await a.stop();
    expect(processesOf(a.dataDir)).toEqual([]);
    // b is not disturbed by a's down
    expect(await (await fetch(`http://127.0.0.1:${b.metricsPort}/healthz`)).text()).toContain('OK');
    await b.stop();
    expect(processesOf(b.dataDir)).toEqual([]);
  }, 180_000);
});
