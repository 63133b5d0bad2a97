// What a worker sends: picks an operation by weight, serves cached request bytes per query vector,
// and judges each reply (short results, recall of sampled queries).
import type { QueryOp, SearchOp } from '../model/index.js';
import type { RequestOutcome } from './recorder.js';
import { decodeSearchReply, encodeQueryRequest, encodeSearchRequest } from './protocol.js';
import type { SearchTarget } from './protocol.js';
import { cumulativeWeights, pickWeighted } from './schedule.js';
import type { PhaseTask } from './types.js';
import { scanQueryReply, scanSearchReply } from './reply-scan.js';

export interface PreparedRequest {
  op: string;
  method: 'Search' | 'Query';
  bytes: Buffer;
  /** the sampled queries this request carries: position in the request → exact neighbours */
  sampled: Array<{ position: number; ids: string[] }> | null;
  topK: number;
  /** query vectors in the request */
  nq: number;
}

export interface Judgement {
  result: RequestOutcome;
  recall: Array<{ hits: number; k: number }>;
}

export class RequestSource {
  private readonly cumulative: number[];
  /** per operation: first query index → the request, encoded once with the sampled queries it carries */
  private readonly cache: Array<Map<number, PreparedRequest>>;
  private readonly target: SearchTarget;
  private readonly nQueries: number;
  private readonly truth: Map<number, string[]>;
  private cursor: number;

  constructor(private readonly task: PhaseTask) {
    this.cumulative = cumulativeWeights(task.phase.operations.map((op) => op.weight));
    this.cache = task.phase.operations.map(() => new Map());
    this.target = {
      collectionName: task.collection.name,
      vectorField: task.collection.vectorField,
      metric: task.collection.metric,
      database: task.target.database,
    };
    this.nQueries = Math.max(1, Math.floor(task.queries.length / task.collection.dim));
    this.truth = new Map(task.recallSample.map((s) => [s.queryIndex, s.ids]));
    this.cursor = task.workerId;
  }

  /** builds every search request this worker will send, before the phase clock starts */
  prepare(): void {
    this.task.phase.operations.forEach((op, opIndex) => {
      if (op.kind !== 'search') return;
      for (let start = this.task.workerId % this.nQueries, seen = 0; seen < this.nQueries; seen++) {
        if (this.cache[opIndex].has(start)) break;
        this.searchBytes(opIndex, op, start);
        start = (start + this.task.workers) % this.nQueries;
      }
    });
  }

  next(): PreparedRequest {
    const index = pickWeighted(this.cumulative, Math.random());
    const op = this.task.phase.operations[index];
    return op.kind === 'search' ? this.search(index, op) : this.query(index, op);
  }

  private vector(queryIndex: number): number[] {
    const dim = this.task.collection.dim;
    return Array.from(this.task.queries.subarray(queryIndex * dim, (queryIndex + 1) * dim));
  }

  private search(opIndex: number, op: SearchOp): PreparedRequest {
    const start = this.cursor % this.nQueries;
    this.cursor += this.task.workers;
    return this.cache[opIndex].get(start) ?? this.searchBytes(opIndex, op, start);
  }

  private searchBytes(opIndex: number, op: SearchOp, start: number): PreparedRequest {
    const nq = Math.max(1, op.nq);
    const indices = Array.from({ length: nq }, (_, i) => (start + i) % this.nQueries);
    const bytes = encodeSearchRequest(this.target, op, indices.map((i) => this.vector(i)), this.task.info);
    const sampled = indices.flatMap((q, position) => (this.truth.has(q) ? [{ position, ids: this.truth.get(q)! }] : []));
    const request: PreparedRequest = { op: 'search', method: 'Search', bytes, sampled: sampled.length > 0 ? sampled : null, topK: op.topK, nq };
    this.cache[opIndex].set(start, request);
    return request;
  }

  private query(opIndex: number, op: QueryOp): PreparedRequest {
    const cached = this.cache[opIndex].get(0);
    if (cached) return cached;
    const request: PreparedRequest = { op: 'query', method: 'Query', bytes: encodeQueryRequest(this.target, this.queryExpr(op), op), sampled: null, topK: 0, nq: 0 };
    if (op.expr !== 'ids') this.cache[opIndex].set(0, request);
    return request;
  }

  private queryExpr(op: QueryOp): string {
    if (op.expr === 'count') return 'count(*)';
    if (op.expr !== 'ids') return op.expr;
    const known = this.task.recallSample.flatMap((s) => s.ids);
    const pick = () =>
      known.length > 0 ? known[Math.floor(Math.random() * known.length)] : String(Math.floor(Math.random() * Math.max(1, this.task.collection.rows)));
    const ids = Array.from({ length: Math.max(1, Math.min(op.limit, 10)) }, pick);
    const numeric = ids.every((id) => /^-?\d+$/.test(id));
    return `${this.task.collection.pkField} in [${ids.map((id) => (numeric ? id : JSON.stringify(id))).join(',')}]`;
  }

  judge(request: PreparedRequest, reply: Buffer): Judgement {
    if (request.method === 'Query') {
      const gist = scanQueryReply(reply);
      return { result: gist.success ? { outcome: 'ok' } : { outcome: 'error', kind: 'server_error' }, recall: [] };
    }
    // only recall-sampled queries need the hit ids, and with them the full decode
    const decoded = request.sampled !== null ? decodeSearchReply(reply, this.task.collection.pkField, true) : { ...scanSearchReply(reply), ids: null };
    if (!decoded.success) return { result: { outcome: 'error', kind: 'server_error' }, recall: [] };
    const expected = Math.min(request.topK, this.task.collection.rows);
    const short = decoded.topks.length < request.nq || decoded.topks.some((hits) => hits < expected);
    const recall: Judgement['recall'] = [];
    if (!short && request.sampled && decoded.ids) {
      let offset = 0;
      const offsets = decoded.topks.map((hits) => (offset += hits) - hits);
      for (const { position, ids } of request.sampled) {
        const k = Math.min(request.topK, ids.length);
        const returned = new Set(decoded.ids.slice(offsets[position], offsets[position] + decoded.topks[position]).slice(0, k));
        recall.push({ hits: ids.slice(0, k).filter((id) => returned.has(id)).length, k });
      }
    }
    return { result: short ? { outcome: 'error', kind: 'short_result' } : { outcome: 'ok' }, recall };
  }
}
