// Contract tests against the Kubernetes API double: pods of Helm-chart and Milvus-Operator installs are found by the
// exact selectors those installers' labels answer to, and an injection that only partly happened (a pod delete that
// fails midway, a Chaos Mesh CR never AllInjected) is marked failed and whatever did happen is undone.
import { afterEach, describe, expect, it } from 'vitest';
import { chaosTiming, ChaosMeshFaultBackend } from '../../src/faults/chaos-mesh.js';
import { FaultRunner, type FaultEvent } from '../../src/faults/index.js';
import { KubernetesFaultBackend } from '../../src/faults/kubernetes.js';
import type { KubernetesFaultConfig } from '../../src/model/index.js';
import { waitFor } from './children.js';
import type { KubeApiDouble } from './kube-api-double.js';
import { type Flavor, HELM_SELECTOR, NAMESPACE, OPERATOR_SELECTOR, podLabels, spec, startCluster } from './kube-fixture.js';

const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;
const QN = ['mb-milvus-querynode-6f7d9-aaaaa', 'mb-milvus-querynode-6f7d9-bbbbb'];
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  chaosTiming.applyTimeoutMs = 30_000;
  await cleanup?.();
  cleanup = undefined;
});

async function cluster(flavor: Flavor): Promise<{ api: KubeApiDouble; config: KubernetesFaultConfig }> {
  const started = await startCluster(flavor);
  cleanup = started.cleanup;
  return started;
}

const listSelectors = (api: KubeApiDouble) =>
  api.requests.filter((r) => r.method === 'GET' && r.path === podsPath && r.query.watch === undefined && r.query.limit === undefined).map((r) => r.query.labelSelector);

describe.each(['helm', 'operator'] as const)('pods of a %s install', (flavor) => {
  it(`contract: found by default (both flavors' selectors) and with flavor '${flavor}' (its selector only)`, async () => {
    const { api, config } = await cluster(flavor);
    const found = await new KubernetesFaultBackend(config, ['contract/milvus']).resolve(spec({ target: { role: 'querynode', pick: 'all' } }));
    expect(found.map((t) => t.name).sort()).toEqual(QN);
    expect(listSelectors(api)).toEqual([HELM_SELECTOR('querynode'), OPERATOR_SELECTOR('querynode')]);

    api.requests.length = 0;
    const pinned = await new KubernetesFaultBackend({ ...config, flavor }, ['contract/milvus']).resolve(spec({ target: { role: 'proxy', pick: 'all' } }));
    expect(pinned.map((t) => t.name)).toEqual(['mb-milvus-proxy-5c8b7-ccccc']);
    expect(listSelectors(api)).toEqual([flavor === 'helm' ? HELM_SELECTOR('proxy') : OPERATOR_SELECTOR('proxy')]);

    const other: Flavor = flavor === 'helm' ? 'operator' : 'helm';
    const wrong = new KubernetesFaultBackend({ ...config, flavor: other }, ['contract/milvus']);
    await expect(wrong.resolve(spec({ target: { role: 'querynode', pick: 'all' } }))).rejects.toThrow(/querynode/);
  });

  it('contract: chaos-mesh kill of a pod found by these labels names exactly that pod, and recovery follows both watches', async () => {
    const { api, config } = await cluster(flavor);
    const runner = new FaultRunner(new ChaosMeshFaultBackend(config, ['contract/milvus']), [spec({ target: { role: 'querynode', pick: QN[1] } })], {
      recoveryTimeoutMs: 10_000,
    });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? runner.records()[0].error, 10_000, 'pod-kill');
    await runner.settle(15_000);
    const [record] = runner.records();
    expect(record.status).toBe('injected');
    expect(api.createdChaos[0].spec).toEqual({ action: 'pod-kill', mode: 'all', selector: { namespaces: [NAMESPACE], pods: { [NAMESPACE]: [QN[1]] } }, gracePeriod: 0 });
    expect(record.backendRecoveredMs).not.toBeNull();
    const watched = api.requests.filter((r) => r.query.watch === 'true').map((r) => r.query.labelSelector);
    expect(new Set(watched)).toEqual(new Set([HELM_SELECTOR('querynode'), OPERATOR_SELECTOR('querynode')]));
    expect(api.podNames().filter((n) => n.startsWith('mb-milvus-querynode'))).toHaveLength(2);
  });
});

describe('partial injections on Kubernetes', () => {
  it('contract: a pod delete that fails midway marks the fault failed, says what was deleted, and tries no more', async () => {
    const { api, config } = await cluster('helm');
    api.addPod('mb-milvus-querynode-6f7d9-eeeee', podLabels('helm', 'mb', 'querynode'));
    api.failPodDeletes.add(QN[1]);
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(new KubernetesFaultBackend(config, ['contract/milvus']), [spec({ target: { role: 'querynode', pick: 'all' } })], {
      onEvent: (e) => events.push(e),
    });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].error, 10_000, 'failed delete');
    await runner.revertAll();
    const [record] = runner.records();
    expect(record.status).toBe('failed');
    expect(record.callStartedMs).not.toBeNull();
    expect(record.injectedMs).toBeNull();
    expect(record.error).toContain(`deleting pod ${QN[1]} failed`);
    expect(record.error).toContain(`deleted ${QN[0]}`);
    expect(record.error).toContain('not attempted: mb-milvus-querynode-6f7d9-eeeee');
    const deletes = api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes).toEqual([`${podsPath}/${QN[0]}`, `${podsPath}/${QN[1]}`]);
    expect(api.podNames()).not.toContain(QN[0]);
    expect(api.podNames()).toContain(QN[1]);
    expect(api.podNames()).toContain('mb-milvus-querynode-6f7d9-eeeee');
    expect(events.map((e) => e.kind)).toEqual(['failed']);
  });

  it('contract: a Chaos Mesh CR never AllInjected within the inject timeout is deleted by the runner, fault failed', async () => {
    const { api, config } = await cluster('operator');
    api.neverInject = true;
    chaosTiming.applyTimeoutMs = 600;
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(new ChaosMeshFaultBackend(config, ['contract/milvus']), [spec({ action: 'pause', target: { role: 'querynode', pick: 'all' } })], {
      onEvent: (e) => events.push(e),
    });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].revertedMs ?? runner.records()[0].revertError, 10_000, 'revert of the CR left behind');
    const [record] = runner.records();
    const name = api.createdChaos[0].metadata.name;
    expect(record.status).toBe('failed');
    expect(record.error).toBe(`PodChaos ${name} was not AllInjected within 600 ms (is the Chaos Mesh controller running?)`);
    expect(record.injectCallMs).toBeGreaterThanOrEqual(600);
    expect(api.chaos.size).toBe(0);
    expect(api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/apis/chaos-mesh.org/v1alpha1/namespaces/${NAMESPACE}/podchaos/${name}`]);
    expect(events.map((e) => e.kind)).toEqual(['failed', 'reverted']);
    await runner.revertAll(); // idempotent: no second DELETE
    expect(api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('contract: an injection that lands after the runner gave up on it is undone when it lands', async () => {
    const { api, config } = await cluster('helm');
    const runner = new FaultRunner(new ChaosMeshFaultBackend(config, ['contract/milvus']), [spec({ action: 'pause', target: { role: 'querynode', pick: 'all' } })], {
      injectTimeoutMs: 50, // the double's controller reports AllInjected ~100 ms after the create
    });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].revertedMs ?? runner.records()[0].revertError, 10_000, 'revert of the late injection');
    const [record] = runner.records();
    expect(record.status).toBe('failed');
    expect(record.error).toBe('pause injection timed out after 50 ms');
    expect(record.injectCallMs).toBeGreaterThan(50);
    expect(api.createdChaos).toHaveLength(1);
    expect(api.chaos.size).toBe(0);
    for (const name of QN) expect(api.pod(name)?.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
  });

  it('contract: the CR left behind that cannot be deleted either is reported with the kubectl command', async () => {
    const { api, config } = await cluster('helm');
    api.neverInject = true;
    api.failChaosDeletes = true;
    chaosTiming.applyTimeoutMs = 400;
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(new ChaosMeshFaultBackend(config, ['contract/milvus']), [spec({ action: 'partition', target: { role: 'proxy', pick: 'all' } })], {
      onEvent: (e) => events.push(e),
    });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].revertError, 10_000, 'failed revert');
    const name = api.createdChaos[0].metadata.name;
    expect(runner.records()[0].status).toBe('failed');
    expect(events.find((e) => e.kind === 'revert-failed')?.message).toContain(`Finish it by hand: kubectl delete networkchaos ${name} -n milvus --context contract`);
    expect(api.chaos.size).toBe(1);
  });
});
