// Contract tests: the kubernetes backend's exact API requests (paths, labelSelector, gracePeriodSeconds, watch)
// against an API server double that answers like the real one, including streamed watch events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describePlan, FaultRunner } from '../../src/faults/index.js';
import { KubernetesFaultBackend } from '../../src/faults/kubernetes.js';
import type { KubernetesFaultConfig } from '../../src/model/index.js';
import { waitFor } from './children.js';
import type { KubeApiDouble } from './kube-api-double.js';
import { NAMESPACE, QUERYNODE_SELECTOR, spec, startCluster } from './kube-fixture.js';

let api: KubeApiDouble;
let config: KubernetesFaultConfig;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ api, config, cleanup } = await startCluster()));
afterEach(() => cleanup());

const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;

describe('kubernetes fault backend', () => {
  it('contract: preflight refuses a context/namespace missing from allow and lists pods of the release otherwise', async () => {
    await expect(new KubernetesFaultBackend(config, ['milvus']).preflight()).rejects.toThrow(
      "faults.allow must contain 'contract/milvus' (kube context/namespace) before faults may touch pods there (faults.allow is [milvus])",
    );
    expect(api.requests).toHaveLength(0);
    await new KubernetesFaultBackend(config, ['contract/milvus']).preflight();
    await new KubernetesFaultBackend(config, ['contract', 'milvus']).preflight();
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: podsPath, query: { labelSelector: 'app.kubernetes.io/instance=mb', limit: '1' } });
  });

  it('contract: kill deletes the picked pod with gracePeriodSeconds=0 and watches for its Ready replacement', async () => {
    const backend = new KubernetesFaultBackend(config, ['contract/milvus']);
    const runner = new FaultRunner(backend, [spec({ target: { role: 'querynode', pick: 'mb-milvus-querynode-6f7d9-bbbbb' } })], { recoveryTimeoutMs: 10_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'kill');
    await runner.settle(15_000);
    const [record] = runner.records();
    expect(record.targets).toEqual(['mb-milvus-querynode-6f7d9-bbbbb']);
    const list = api.requests.find((r) => r.method === 'GET' && r.query.watch === undefined);
    expect(list).toMatchObject({ path: podsPath, query: { labelSelector: QUERYNODE_SELECTOR } });
    const deletes = api.requests.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ path: `${podsPath}/mb-milvus-querynode-6f7d9-bbbbb`, query: { gracePeriodSeconds: '0' } });
    const watch = api.requests.find((r) => r.query.watch === 'true');
    expect(watch).toMatchObject({ path: podsPath, query: { labelSelector: QUERYNODE_SELECTOR } });
    expect(watch?.query.resourceVersion).toMatch(/^\d+$/);
    expect(record.backendRecoveredMs! - record.injectedMs!).toBeGreaterThanOrEqual(api.replaceDelayMs + api.readyDelayMs - 50);
    expect(api.podNames()).toContain('other-milvus-querynode-1a2b3-ddddd');
    expect(api.podNames().filter((n) => n.startsWith('mb-milvus-querynode'))).toHaveLength(2);
    expect(api.podNames()).not.toContain('mb-milvus-querynode-6f7d9-bbbbb');
    await runner.revertAll();
  });

  it('contract: restart deletes with the pod’s own grace period (no gracePeriodSeconds)', async () => {
    const backend = new KubernetesFaultBackend(config, ['contract/milvus']);
    const runner = new FaultRunner(backend, [spec({ action: 'restart', target: { role: 'proxy', pick: 'all' } })], { recoveryTimeoutMs: 5000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'restart');
    const del = api.requests.find((r) => r.method === 'DELETE');
    expect(del?.path).toBe(`${podsPath}/mb-milvus-proxy-5c8b7-ccccc`);
    expect(del?.query).not.toHaveProperty('gracePeriodSeconds');
    await runner.settle(10_000);
    expect(runner.records()[0].backendRecoveredMs).not.toBeNull();
  });

  it('contract: dry run only reads', async () => {
    const backend = new KubernetesFaultBackend(config, ['contract/milvus']);
    const lines = await describePlan(backend, [spec({ target: { role: 'querynode', pick: '50%' } })]);
    expect(lines[1]).toMatch(/^at \+0s: kill querynode pick=50% → mb-milvus-querynode-6f7d9-(aaaaa|bbbbb) \(seeded random \(seed \d+\) 1 of 2\)$/);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('names chaos-mesh for what plain Kubernetes cannot do', () => {
    const backend = new KubernetesFaultBackend(config, ['contract/milvus']);
    expect(backend.check(spec({ action: 'pause' }))).toMatch(/'pause' is not supported by the kubernetes fault backend \(.*use the chaos-mesh backend/);
  });
});
