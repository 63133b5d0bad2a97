// Conformance, look-alike vs real Milvus 2.3.5: the same Node SDK flows against both, step by step. Outcome, status
// code, rows, hit ids, their order and scores must agree; messages may differ (printed). Under CI=true a missing or
// failing real Milvus fails this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerMetricsScraper, intervalCounts, serverMetricsEndpoints, snapshotOf } from '../../src/target/server-metrics.js';
import { parsePrometheusText, type PromExposition } from '../../src/target/prometheus-text.js';
import { requireRealMilvus } from '../support/real-milvus.js';
import { disagreement, messageDifferences, sameHits } from './compare.js';
import { loadedCollection, PK_NOT_NAMED, queryVectors, ROWS, runFlows, sdkClient, type Observation } from './flows.js';
import { pymilvusMissing, runSeedFlow } from './python.js';
import { startLookAlike, startReal, type Target } from './targets.js';

const skipped = requireRealMilvus('test/conformance/sdk.test.ts');
const targets: Partial<Record<Target['label'], Target>> = {};
const seen: Partial<Record<Target['label'], Map<string, Observation>>> = {};
const SEARCHES = 23;
const noPymilvus = skipped ? null : pymilvusMissing();
if (noPymilvus && process.env.CI === 'true') throw new Error(`test/conformance/sdk.test.ts: CI=true and ${noPymilvus}`);
if (noPymilvus) console.warn(`SKIPPED the pymilvus seed flow: ${noPymilvus}`);

async function scrape(url: string): Promise<PromExposition> {
  return parsePrometheusText(await (await fetch(url)).text());
}

/** Only the querynode's series of an exposition (a standalone exports every role on one port). */
const querynodeOnly = (e: PromExposition): PromExposition => ({ ...e, samples: e.samples.filter((s) => s.name.startsWith('milvus_querynode_')), types: new Map() });

beforeAll(async () => {
  if (skipped) return;
  const startedAt = Date.now();
  targets['look-alike'] = await startLookAlike();
  targets.real = await startReal();
  console.log(`conformance: both targets up in ${Date.now() - startedAt} ms`);
  for (const target of Object.values(targets)) {
    const client = sdkClient(target.address);
    try {
      seen[target.label] = await runFlows(client);
    } finally {
      await client.closeConnection();
    }
  }
  console.log(`conformance: flows done after ${Date.now() - startedAt} ms`);
}, 400_000);

afterAll(async () => {
  for (const target of Object.values(targets)) await target.stop();
}, 120_000);

describe.skipIf(skipped !== undefined)('look-alike vs real Milvus 2.3.5 through the Node SDK', () => {
  it('gives the same outcome, status code, rows, ids, order and scores at every step', () => {
    const [real, local] = [seen.real!, seen['look-alike']!];
    // the flows did what the test knows they did: ROWS rows, 10 of them deleted
    for (const s of [real, local]) {
      expect(s.get('query count(*)')!.value).toEqual([{ 'count(*)': String(ROWS) }]);
      expect(s.get('count after delete')!.value).toEqual([{ 'count(*)': String(ROWS - 10) }]);
      expect(s.get('FLAT insert')!.value).toBe(ROWS);
    }
    const differences = [...real.keys()].filter((step) => step !== PK_NOT_NAMED).flatMap((step) => {
      const why = disagreement(real.get(step), local.get(step));
      return why ? [`${step}: ${why}`] : [];
    });
    console.log(`conformance: ${real.size} steps; messages that differ:\n  ${messageDifferences(real, local).join('\n  ')}`);
    expect(differences).toEqual([]);
    expect([...local.keys()]).toEqual([...real.keys()]);
  });

  it('scores a FLAT search the same with ef, with nprobe and without params, on both', () => {
    for (const s of Object.values(seen)) {
      for (const kind of ['FLAT', 'FLAT_IP', 'FLAT_COSINE']) {
        const plain = s.get(`${kind} search {}`)!.value as Parameters<typeof sameHits>[0];
        expect(plain.flat().length).toBe(30);
        expect(sameHits(plain, s.get(`${kind} search {"ef":64}`)!.value as typeof plain)).toBeNull();
      }
      expect(sameHits(s.get('FLAT search {}')!.value as never, s.get('FLAT search {"nprobe":16}')!.value as never)).toBeNull();
    }
  });

  it('known difference: a 2.3.5 hit has no id unless the primary key is an output field; the look-alike fills it', () => {
    const ids = (label: Target['label']) => (seen[label]!.get(PK_NOT_NAMED)!.value as { id: string }[][])[0]!.map((h) => h.id);
    expect(ids('real').every((id) => id === 'undefined')).toBe(true);
    expect(ids('look-alike')).toEqual((seen.real!.get('search output fields')!.value as { id: string }[][])[0]!.map((h) => h.id));
  });

  it('answers /healthz with 200 "OK" and exports Milvus metric names', async () => {
    for (const target of Object.values(targets)) {
      const health = await fetch(target.healthUrl);
      expect([target.label, health.status, (await health.text()).trim()]).toEqual([target.label, 200, 'OK']);
      const names = new Set((await Promise.all(target.metricsUrls.map((m) => scrape(m.url)))).flatMap((e) => e.samples.map((s) => s.name)));
      for (const name of ['milvus_proxy_req_count', 'milvus_proxy_sq_latency_bucket', 'milvus_querynode_sq_req_count', 'milvus_querynode_sq_req_latency_bucket', 'process_resident_memory_bytes']) {
        expect([target.label, name, names.has(name)]).toEqual([target.label, name, true]);
      }
    }
  });

  it('server-side search count read by the tool equals the searches sent (proxy and querynode)', async () => {
    for (const target of Object.values(targets)) {
      const client = sdkClient(target.address);
      try {
        await loadedCollection(client, 'conf_metrics');
        const url = target.metricsUrls[0]!.url;
        const qnUrl = target.metricsUrls.at(-1)!.url;
        // the endpoints the tool itself picks: the look-alike's from its data dir, Milvus's from target.metrics URLs
        const endpoints = await serverMetricsEndpoints(target.label === 'real' ? { metricsUrls: [url] } : { localDataDir: target.dataDir });
        const scraper = createServerMetricsScraper({ endpoints, intervalMs: 200 });
        const [before, qnBefore] = [await scrape(url), querynodeOnly(await scrape(qnUrl))];
        scraper.start();
        await new Promise((r) => setTimeout(r, 500)); // the scraper's first scrape is its baseline
        for (let i = 0; i < SEARCHES; i++) {
          const reply = await client.search({ collection_name: 'conf_metrics', data: queryVectors()[i % 3]!, limit: 5 });
          expect(reply.status.error_code).toBe('Success');
        }
        const samples = await scraper.stop();
        const perComponent = Object.fromEntries(endpoints.map((e) => [e.component, samples.filter((s) => s.component === e.component).reduce((n, s) => n + (s.searchRequests ?? 0), 0)]));
        expect([target.label, perComponent]).toEqual([target.label, Object.fromEntries(endpoints.map((e) => [e.component, SEARCHES]))]);
        const [after, qnAfter] = [await scrape(url), querynodeOnly(await scrape(qnUrl))];
        const proxy = intervalCounts(snapshotOf(before), snapshotOf(after));
        expect([target.label, snapshotOf(after).names?.id, proxy.searchRequests, proxy.errors]).toEqual([target.label, 'milvus-proxy', SEARCHES, 0]);
        expect(proxy.searchP99Ms).toBeGreaterThan(0);
        const querynode = intervalCounts(snapshotOf(qnBefore), snapshotOf(qnAfter));
        expect([target.label, snapshotOf(qnAfter).names?.id, querynode.searchRequests]).toEqual([target.label, 'milvus-querynode', SEARCHES]);
        await client.dropCollection({ collection_name: 'conf_metrics' });
      } finally {
        await client.closeConnection();
      }
    }
  });

  // Last: it kills the look-alike's querynode.
  it.skipIf(noPymilvus !== null)('runs the seeds\' pymilvus flow (index before insert, 10 000 × 128 batches, 10 threads, querynode kill) alike', async () => {
    const results: Partial<Record<Target['label'], Record<string, unknown>>> = {};
    for (const target of Object.values(targets)) results[target.label] = await runSeedFlow(target.port, () => target.killQuerynode());
    const [real, local] = [results.real!, results['look-alike']!];
    console.log(`pymilvus seed flow: look-alike recovered ${String(local.recovered_after_s)} s after the querynode kill`);
    for (const r of [real, local]) {
      expect(r).toMatchObject({ inserted: 20_000, num_entities: 20_000, count: 20_000, delete_count: 5, count_after_delete: 19_995, deleted_ids_left: 1, exists_after_drop: false });
      expect(r.searches_before).toEqual({ ok: 50, self_first: 50, errors: [] });
      expect(r.searches_after).toEqual({ ok: 50, self_first: 50, errors: [] });
      expect(r.query_ids).toEqual([1, 2, 3].map((id) => ({ id, n: id })));
    }
    expect(local.kill).toMatch(/^killed/);
    // every observation agrees, failures by code (messages differ); timings and the kill itself aside
    const comparable = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !['kill', 'recovered_after_s', 'failed_while_recovering'].includes(k)).map(([k, v]) => [k, v && typeof v === 'object' && 'message' in v ? { ...v, message: undefined } : v]));
    expect(comparable(local)).toEqual(comparable(real));
  }, 600_000);
});
