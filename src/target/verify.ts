// After the load: does count(*) equal what was there before plus the rows acknowledged in the run (minus known
// deletes), are sampled primary keys there, and how close are the server's answers to the exact neighbours?
// Failures are recorded in the result (the SLO stage judges them), not thrown.
import { ConsistencyLevelEnum } from '@zilliz/milvus2-sdk-node';
import type { IntegrityResult, StepTiming } from '../model/index.js';
import type { Scenario, SearchOp } from '../model/index.js';
import type { TargetConnection } from './connect.js';
import { checkStatus, sdkCall } from './failures.js';
import type { ExactNeighbours } from './neighbours.js';
import { recallOf } from './neighbours.js';
import { heldOutKind, makeQueryVectors } from './queries.js';
import { rowIdResolver } from './row-ids.js';
import { PK_FIELD, VECTOR_FIELD } from './rows.js';

/** Queries per search request while measuring recall. */
const RECALL_NQ = 16;
const VERIFY_TIMEOUT_MS = 60_000;

function firstSearch(scenario: Scenario): SearchOp | undefined {
  for (const phase of scenario.phases) {
    for (const op of phase.operations) if (op.kind === 'search') return op;
  }
  return undefined;
}

export async function countRows(conn: TargetConnection, collection: string): Promise<number> {
  const reply = await sdkCall(`count(*) on '${collection}'`, () =>
    conn.client.query({
      collection_name: collection,
      output_fields: ['count(*)'],
      filter: '',
      consistency_level: ConsistencyLevelEnum.Strong,
      timeout: VERIFY_TIMEOUT_MS,
    }),
  );
  checkStatus(reply.status, `count(*) on '${collection}'`);
  return Number(reply.data?.[0]?.['count(*)']);
}

type Hit = { id?: unknown };

/** Ids the server returns for each query vector, best first. */
export async function searchIds(
  conn: TargetConnection,
  scenario: Scenario,
  vectors: number[][],
  topK: number,
  params: Record<string, number | string>,
): Promise<string[][]> {
  const collection = scenario.collection.name;
  const reply = await sdkCall(`searching '${collection}'`, () =>
    conn.client.search({
      collection_name: collection,
      anns_field: VECTOR_FIELD,
      data: vectors,
      limit: topK,
      metric_type: scenario.collection.metric,
      params,
      output_fields: [PK_FIELD],
      consistency_level: ConsistencyLevelEnum.Strong,
      timeout: VERIFY_TIMEOUT_MS,
    }),
  );
  checkStatus(reply.status, `searching '${collection}'`);
  const results = reply.results as unknown as Hit[] | Hit[][];
  const perQuery: Hit[][] = vectors.length === 1 && !Array.isArray(results[0]) ? [results as Hit[]] : (results as Hit[][]);
  return perQuery.map((hits) => (hits ?? []).map((hit) => String(hit.id)));
}

/** Mean recall@k of the server's answers against `sample`'s exact neighbours. */
export async function measureRecall(conn: TargetConnection, scenario: Scenario, sample: ExactNeighbours[]): Promise<{ recall: number; topK: number }> {
  const search = firstSearch(scenario);
  const topK = search?.topK ?? Math.max(...sample.map((s) => s.ids.length));
  const dim = scenario.collection.dim;
  const queries = makeQueryVectors(scenario, Math.max(...sample.map((s) => s.queryIndex)) + 1);
  let sum = 0;
  for (let first = 0; first < sample.length; first += RECALL_NQ) {
    const group = sample.slice(first, first + RECALL_NQ);
    const vectors = group.map((s) => Array.from(queries.subarray(s.queryIndex * dim, (s.queryIndex + 1) * dim)));
    const answers = await searchIds(conn, scenario, vectors, topK, search?.params ?? {});
    group.forEach((s, i) => (sum += recallOf(answers[i] ?? [], s.ids)));
  }
  return { recall: sum / sample.length, topK };
}

/** What the collection held before the load and what this run added: the expected count's two terms. */
export interface CountBaseline {
  countBefore: number;
  acknowledged: number;
  /** rows 0..rows-1: the collection's rows as this process knows them */
  rows: number;
}

/**
 * Before the load. A collection this run filled (new or empty) held 0 rows, and the ingest's acknowledged rows are
 * the run's; a reused one is counted now with count(*), so the check after the load compares two measurements.
 */
export async function countBaseline(conn: TargetConnection, scenario: Scenario, prepared: { rows: number; ingest: { skipped: boolean } | null }): Promise<CountBaseline> {
  const reused = prepared.ingest?.skipped ?? true;
  if (!reused) return { countBefore: 0, acknowledged: prepared.rows, rows: prepared.rows };
  const countBefore = await countRows(conn, scenario.collection.name);
  return { countBefore, acknowledged: 0, rows: prepared.rows };
}

/** Evenly spread row indices of 0..rows-1 (first and last included), at most `n`. */
function spreadRows(rows: number, n: number): number[] {
  if (rows <= 0 || n <= 0) return [];
  if (n >= rows) return Array.from({ length: rows }, (_, i) => i);
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (rows - 1)) / Math.max(1, n - 1))))];
}

function keyList(ids: string[]): string {
  return ids.every((id) => /^-?\d+$/.test(id)) ? ids.join(',') : ids.map((id) => JSON.stringify(id)).join(',');
}

/** The subset of `ids` the server returns for `id in [...]` (strong consistency). */
export async function presentKeys(conn: TargetConnection, collection: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let first = 0; first < ids.length; first += 100) {
    const group = ids.slice(first, first + 100);
    const reply = await sdkCall(`looking up primary keys in '${collection}'`, () =>
      conn.client.query({
        collection_name: collection,
        filter: `${PK_FIELD} in [${keyList(group)}]`,
        output_fields: [PK_FIELD],
        limit: group.length,
        consistency_level: ConsistencyLevelEnum.Strong,
        timeout: VERIFY_TIMEOUT_MS,
      }),
    );
    checkStatus(reply.status, `looking up primary keys in '${collection}'`);
    for (const row of reply.data ?? []) found.add(String((row as Record<string, unknown>)[PK_FIELD]));
  }
  return found;
}

/** Deletes a known set of keys (the last rows), then checks they are gone; → how many the server acknowledged. */
async function deleteKnownRows(conn: TargetConnection, collection: string, ids: string[]): Promise<{ acknowledged: number; stillFound: string[] }> {
  const reply = await sdkCall(`deleting ${ids.length} rows from '${collection}'`, () =>
    conn.client.delete({ collection_name: collection, filter: `${PK_FIELD} in [${keyList(ids)}]`, timeout: VERIFY_TIMEOUT_MS }),
  );
  checkStatus(reply.status, `deleting ${ids.length} rows from '${collection}'`);
  const stillFound = [...(await presentKeys(conn, collection, ids))];
  return { acknowledged: Number(reply.delete_cnt ?? 0), stillFound };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `baseline`: a number is the expected count as is (older callers); a CountBaseline adds its terms up */
export async function verifyIntegrity(
  conn: TargetConnection,
  scenario: Scenario,
  baseline: number | CountBaseline,
  recallSample: ExactNeighbours[],
  onStep?: (step: StepTiming) => void,
): Promise<IntegrityResult> {
  const startMs = Date.now();
  const terms: CountBaseline = typeof baseline === 'number' ? { countBefore: 0, acknowledged: baseline, rows: baseline } : baseline;
  const collection = scenario.collection.name;
  const sample = recallSample.filter((s) => s.ids.length > 0);
  const result: IntegrityResult = {
    expectedRows: terms.countBefore + terms.acknowledged,
    countedRows: null,
    countMatches: null,
    countBefore: terms.countBefore,
    acknowledged: terms.acknowledged,
    recall: null,
    recallQueries: sample.length,
    topK: null,
  };
  const errors: string[] = [];
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      errors.push(errorText(error));
    }
  };
  const idOf = rowIdResolver(collection, scenario.collection.autoId);
  if (scenario.verify.spotChecks > 0 && idOf) {
    await attempt(async () => {
      const ids = spreadRows(terms.rows, scenario.verify.spotChecks).map(idOf);
      const found = await presentKeys(conn, collection, ids);
      result.spotChecked = ids.length;
      result.spotMissing = ids.filter((id) => !found.has(id));
    });
  }
  if (sample.length > 0) {
    await attempt(async () => {
      const { recall, topK } = await measureRecall(conn, scenario, sample);
      result.recall = recall;
      result.topK = topK;
      result.heldOut = heldOutKind(scenario);
    });
  }
  // deletes last: recall and spot checks see the rows the load saw
  const toDelete = idOf ? Array.from({ length: Math.min(scenario.verify.deleteRows, terms.rows) }, (_, i) => idOf(terms.rows - 1 - i)) : [];
  if (toDelete.length > 0) {
    await attempt(async () => {
      result.deletes = { requested: toDelete.length, ...(await deleteKnownRows(conn, collection, toDelete)) };
      result.expectedRows = terms.countBefore + terms.acknowledged - toDelete.length;
    });
  }
  if (scenario.verify.count) {
    await attempt(async () => {
      result.countedRows = await countRows(conn, collection);
      result.countMatches =
        result.countedRows === result.expectedRows && (result.spotMissing?.length ?? 0) === 0 && (result.deletes?.stillFound.length ?? 0) === 0;
    });
  }
  if (errors.length > 0) result.error = errors.join('; ');
  const parts = [
    result.countedRows !== null ? `count ${result.countedRows}/${result.expectedRows} (before ${terms.countBefore} + acknowledged ${terms.acknowledged}${result.deletes ? ` − deleted ${result.deletes.requested}` : ''})` : null,
    result.spotChecked !== undefined ? `${result.spotChecked - (result.spotMissing?.length ?? 0)}/${result.spotChecked} keys found` : null,
    result.recall !== null ? `recall@${result.topK} ${result.recall.toFixed(3)} over ${sample.length} held-out queries` : null,
  ].filter((p): p is string => p !== null);
  onStep?.({ step: 'verify', startMs, durationMs: Date.now() - startMs, detail: parts.join(', ') || 'nothing to verify' });
  return result;
}
