// After the load: does count(*) equal the rows acknowledged, and how close are the server's answers to
// the exact neighbours? Failures are recorded in the result (the SLO stage judges them), not thrown.
import { ConsistencyLevelEnum } from '@zilliz/milvus2-sdk-node';
import type { IntegrityResult, StepTiming } from '../report/result.js';
import type { Scenario, SearchOp } from '../scenario/types.js';
import type { TargetConnection } from './connect.js';
import { checkStatus, sdkCall } from './failures.js';
import type { ExactNeighbours } from './neighbours.js';
import { recallOf } from './neighbours.js';
import { makeQueryVectors } from './queries.js';
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function verifyIntegrity(
  conn: TargetConnection,
  scenario: Scenario,
  expectedRows: number,
  recallSample: ExactNeighbours[],
  onStep?: (step: StepTiming) => void,
): Promise<IntegrityResult> {
  const startMs = Date.now();
  const sample = recallSample.filter((s) => s.ids.length > 0);
  const result: IntegrityResult = {
    expectedRows,
    countedRows: null,
    countMatches: null,
    recall: null,
    recallQueries: sample.length,
    topK: null,
  };
  const errors: string[] = [];
  if (scenario.verify.count) {
    try {
      result.countedRows = await countRows(conn, scenario.collection.name);
      result.countMatches = result.countedRows === expectedRows;
    } catch (error) {
      errors.push(errorText(error));
    }
  }
  if (sample.length > 0) {
    try {
      const { recall, topK } = await measureRecall(conn, scenario, sample);
      result.recall = recall;
      result.topK = topK;
    } catch (error) {
      errors.push(errorText(error));
    }
  }
  if (errors.length > 0) result.error = errors.join('; ');
  const parts = [
    result.countedRows !== null ? `count ${result.countedRows}/${expectedRows}` : null,
    result.recall !== null ? `recall@${result.topK} ${result.recall.toFixed(3)} over ${sample.length} queries` : null,
  ].filter((p): p is string => p !== null);
  onStep?.({ step: 'verify', startMs, durationMs: Date.now() - startMs, detail: parts.join(', ') || 'nothing to verify' });
  return result;
}
