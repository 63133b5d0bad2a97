// Contract tests: the chaos-mesh backend's PodChaos / NetworkChaos custom resources, exactly as the Chaos Mesh CRDs
// define them, created through the custom objects API of a Kubernetes API server double; deleted at revert.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChaosMeshFaultBackend } from '../../src/faults/chaos-mesh.js';
import { FaultRunner, type FaultEvent } from '../../src/faults/index.js';
import type { KubernetesFaultConfig } from '../../src/model/index.js';
import { waitFor } from './children.js';
import type { KubeApiDouble } from './kube-api-double.js';
import { NAMESPACE, spec, startCluster } from './kube-fixture.js';

let api: KubeApiDouble;
let config: KubernetesFaultConfig;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ api, config, cleanup } = await startCluster()));
afterEach(() => cleanup());

const QN_B = 'mb-milvus-querynode-6f7d9-bbbbb';
const crPath = (plural: string) => `/apis/chaos-mesh.org/v1alpha1/namespaces/${NAMESPACE}/${plural}`;
const podSelector = (names: string[]) => ({ namespaces: [NAMESPACE], pods: { [NAMESPACE]: names } });

function backend(): ChaosMeshFaultBackend {
  return new ChaosMeshFaultBackend(config, ['contract/milvus']);
}

describe('chaos-mesh fault backend', () => {
  it('contract: kill creates a pod-kill PodChaos for the picked pod, waits for AllInjected, deletes it on revert', async () => {
    const runner = new FaultRunner(backend(), [spec({ target: { role: 'querynode', pick: QN_B } })], { recoveryTimeoutMs: 10_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'pod-kill');
    expect(api.createdChaos).toHaveLength(1);
    const [created] = api.createdChaos;
    expect(created.metadata.name).toMatch(/^milvus-bench-kill-[a-z0-9]+-[0-9a-f]{4}$/);
    expect(created).toEqual({
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'PodChaos',
      metadata: { name: created.metadata.name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'milvus-bench' } },
      spec: { action: 'pod-kill', mode: 'all', selector: podSelector([QN_B]), gracePeriod: 0 },
    });
    expect(api.requests.find((r) => r.method === 'POST')?.path).toBe(crPath('podchaos'));
    expect(api.requests.some((r) => r.method === 'GET' && r.path === `${crPath('podchaos')}/${created.metadata.name}`)).toBe(true);
    await runner.settle(15_000);
    expect(runner.records()[0].backendRecoveredMs).not.toBeNull();
    expect(api.podNames()).not.toContain(QN_B);
    await runner.revertAll();
    expect(api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`${crPath('podchaos')}/${created.metadata.name}`]);
    expect(api.chaos.size).toBe(0);
  });

  it('contract: pause is pod-failure for revertAfterMs; the pods are Ready again once the CR is deleted', async () => {
    const runner = new FaultRunner(backend(), [spec({ action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfterMs: 500 })], { recoveryTimeoutMs: 10_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'pod-failure');
    expect(api.createdChaos[0].spec).toEqual({
      action: 'pod-failure',
      mode: 'all',
      selector: podSelector(['mb-milvus-querynode-6f7d9-aaaaa', QN_B]),
      duration: '500ms',
    });
    expect(api.pod(QN_B)?.status.conditions[0].status).toBe('False');
    await runner.settle(15_000);
    const [record] = runner.records();
    expect(record.revertedMs).not.toBeNull();
    expect(record.backendRecoveredMs).toBeGreaterThanOrEqual(record.revertedMs! - 50);
    expect(api.pod(QN_B)?.status.conditions[0].status).toBe('True');
    expect(api.podNames()).toContain(QN_B);
  });

  it('contract: partition is a NetworkChaos between the picked pods and the rest of the release', async () => {
    const runner = new FaultRunner(backend(), [spec({ action: 'partition', target: { role: 'proxy', pick: 'one' }, revertAfterMs: 300 })], { recoveryTimeoutMs: 10_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'partition');
    const [created] = api.createdChaos;
    expect(created.kind).toBe('NetworkChaos');
    expect(api.requests.find((r) => r.method === 'POST')?.path).toBe(crPath('networkchaos'));
    expect(created.spec).toEqual({
      action: 'partition',
      mode: 'all',
      selector: podSelector(['mb-milvus-proxy-5c8b7-ccccc']),
      direction: 'both',
      target: { mode: 'all', selector: { namespaces: [NAMESPACE], labelSelectors: { 'app.kubernetes.io/instance': 'mb' } } },
      duration: '300ms',
    });
    await runner.settle(10_000);
    expect(runner.records()[0].backendRecoveredMs).toBeGreaterThanOrEqual(runner.records()[0].revertedMs!);
    expect(api.chaos.size).toBe(0);
  });

  it('contract: delay and loss map to NetworkChaos delay / loss / netem specs', () => {
    const targets = [{ name: QN_B, role: 'querynode' as const, id: 'x' }];
    const delay = backend().chaosSpec(spec({ action: 'delay', options: { latencyMs: 100, jitterMs: 10 }, revertAfterMs: 2000 }), targets);
    expect(delay).toEqual({
      kind: 'NetworkChaos',
      body: { action: 'delay', mode: 'all', selector: podSelector([QN_B]), direction: 'to', delay: { latency: '100ms', jitter: '10ms', correlation: '0' }, duration: '2000ms' },
    });
    const loss = backend().chaosSpec(spec({ action: 'delay', options: { lossPercent: 25 } }), targets);
    expect(loss.body).toMatchObject({ action: 'loss', loss: { loss: '25', correlation: '0' }, duration: '1h' });
    expect(backend().chaosSpec(spec({ action: 'delay', options: { latencyMs: 5, lossPercent: 1 } }), targets).body.action).toBe('netem');
    expect(backend().check(spec({ action: 'delay' }))).toMatch(/needs options\.latencyMs/);
  });

  it('contract: delay CR is accepted by the double and applied', async () => {
    const runner = new FaultRunner(backend(), [spec({ action: 'delay', options: { latencyMs: 80 }, target: { role: 'querynode', pick: 'all' } })]);
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? runner.records()[0].error, 10_000, 'delay');
    expect(runner.records()[0].error).toBeUndefined();
    await runner.revertAll();
    expect(api.chaos.size).toBe(0);
  });

  it('contract: restart is container-kill naming the pod’s container', async () => {
    const runner = new FaultRunner(backend(), [spec({ action: 'restart', target: { role: 'querynode', pick: QN_B } })], { recoveryTimeoutMs: 10_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'container-kill');
    expect(api.createdChaos[0].spec).toEqual({ action: 'container-kill', mode: 'all', selector: podSelector([QN_B]), containerNames: ['querynode'] });
    await runner.settle(10_000);
    expect(runner.records()[0].backendRecoveredMs).not.toBeNull();
    await runner.revertAll();
  });

  it('contract: a CR that cannot be deleted is reported with the kubectl command to finish the revert', async () => {
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(backend(), [spec({ action: 'pause', target: { role: 'querynode', pick: QN_B } })], { onEvent: (e) => events.push(e), recoveryTimeoutMs: 1000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'pod-failure');
    api.failChaosDeletes = true;
    await runner.revertAll();
    const name = api.createdChaos[0].metadata.name;
    const [record] = runner.records();
    expect(record.revertError).toBeDefined();
    expect(record.manualRevert).toBe(`kubectl delete podchaos ${name} -n milvus --context contract`);
    expect(events.find((e) => e.kind === 'revert-failed')?.message).toContain(`Finish it by hand: kubectl delete podchaos ${name} -n milvus --context contract`);
    expect(api.chaos.size).toBe(1);
  });

  it('contract: revertAll during an in-flight injection waits for it to land, then deletes the CR', async () => {
    const runner = new FaultRunner(backend(), [spec({ action: 'pause', target: { role: 'querynode', pick: 'all' } })]);
    runner.start(Date.now());
    await waitFor(() => (api.createdChaos.length > 0 ? true : undefined), 10_000, 'CR created');
    expect(runner.records()[0].injectedMs).toBeNull();
    await runner.revertAll();
    const [record] = runner.records();
    expect(record.injectedMs).not.toBeNull();
    expect(record.revertedMs).toBeGreaterThanOrEqual(record.injectedMs!);
    expect(api.chaos.size).toBe(0);
  });

  it('refuses stop/start and a namespace missing from allow', async () => {
    expect(backend().check(spec({ action: 'stop' }))).toMatch(/'stop' is not supported by the chaos-mesh fault backend/);
    await expect(new ChaosMeshFaultBackend(config, ['other/milvus']).preflight()).rejects.toThrow(/faults\.allow must contain 'contract\/milvus'/);
  });
});
