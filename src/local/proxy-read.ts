// Search and query in the proxy: Milvus request → per-segment fan-out to querynodes → merged Milvus response.
import { compileFilter, EngineError, mergeTopK, type FieldSchema, type MetricType, type SearchHit, type SearchResult } from './engine/index.js';
import { decodeQueryVectors, fieldData } from './milvus-proto.js';
import type { CollectionInfo, Router, Routing } from './proxy-router.js';
import { RemoteError } from './rpc.js';

type Request = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded protobuf messages

const kv = (pairs: { key: string; value: string }[] | undefined): Record<string, string> => Object.fromEntries((pairs ?? []).map((p) => [p.key, p.value]));

/** Rejects a bad expression in the proxy, before any fan-out (also when no segment is served yet). */
function checkFilter(info: CollectionInfo, filter: string): void {
  try {
    compileFilter(filter, info.schema);
  } catch (error) {
    if (error instanceof EngineError) throw new RemoteError(error.code, error.message);
    throw error;
  }
}

async function loadedRouting(router: Router, name: string): Promise<Routing> {
  const routing = await router.routing(name);
  if (!routing.loaded) throw new RemoteError('collection_not_loaded', `collection not loaded[collection=${name}]`);
  return routing;
}

/** The request's filter with deleted primary keys excluded (deletes are tombstones kept by the coordinator). */
function visibleFilter(info: CollectionInfo, routing: Routing, filter: string): string {
  const deleted = routing.deleted ?? [];
  if (deleted.length === 0) return filter;
  const pk = info.schema.fields.find((f) => f.isPrimary)!;
  const hidden = `${pk.name} not in [${deleted.map((k) => (pk.type === 'varchar' ? JSON.stringify(k) : k)).join(', ')}]`;
  return filter.trim() === '' ? hidden : `(${filter}) and ${hidden}`;
}

/** `pk in [..]` / `pk == v` name their keys; any other expression is evaluated on the loaded collection. */
function listedKeys(expr: string, pk: FieldSchema): string[] | null {
  const match = new RegExp(`^\\s*${pk.name}\\s*(?:in\\s*\\[(.*)\\]|==\\s*(.+?))\\s*$`, 's').exec(expr);
  if (!match) return null;
  const items = match[1] !== undefined ? match[1].split(',').map((s) => s.trim()).filter((s) => s !== '') : [match[2]!.trim()];
  if (pk.type === 'int64') return items.every((s) => /^-?\d+$/.test(s)) ? items.map((s) => BigInt(s).toString()) : null;
  const strings = items.map((s) => /^"(?:[^"\\]|\\.)*"$/.test(s) ? (JSON.parse(s) as string) : /^'[^'\\]*'$/.test(s) ? s.slice(1, -1) : null);
  return strings.every((s) => s !== null) ? (strings as string[]) : null;
}

/** The primary keys a Delete expression names (Milvus rejects an empty one). */
export async function deleteKeys(router: Router, r: Request, deadline: number): Promise<string[]> {
  const name = String(r.collection_name);
  const info = await router.collection(name, true);
  const expr = String(r.expr ?? '');
  if (expr.trim() === '') throw new RemoteError('invalid_argument', `delete plan can't be empty or always true : ${expr}`);
  checkFilter(info, expr);
  const pk = info.schema.fields.find((f) => f.isPrimary)!;
  const listed = listedKeys(expr, pk);
  if (listed) return listed;
  const routing = await loadedRouting(router, name);
  const replies = await router.fanOut(name, routing, { op: 'query', collection: name, filter: visibleFilter(info, routing, expr), outputFields: [] }, undefined, deadline);
  return replies.flatMap((reply) => (reply.header.rows as Record<string, unknown>[]).map((row) => String(row[pk.name])));
}

/** Names the fields a reply carries besides the primary key; '*' = every field, vectors too (as Milvus 2.3 does). */
function outputFields(info: CollectionInfo, requested: string[]): FieldSchema[] {
  const pk = info.schema.fields.find((f) => f.isPrimary)!;
  const wanted = requested.filter((n) => n && n !== pk.name && n !== 'count(*)');
  const fields: FieldSchema[] = [];
  for (const name of wanted) {
    if (name === '*') {
      fields.push(...info.schema.fields.filter((f) => f !== pk));
      continue;
    }
    const field = info.schema.fields.find((f) => f.name === name);
    if (!field) throw new RemoteError('invalid_argument', `field ${name} not exist in collection "${info.schema.name}"`);
    fields.push(field);
  }
  return [...new Map(fields.map((f) => [f.name, f])).values()];
}

export async function runSearch(router: Router, r: Request, deadline: number): Promise<Record<string, unknown>> {
  const name = String(r.collection_name);
  const info = await router.collection(name);
  const params = kv(r.search_params);
  const topK = Number(params.topk ?? params.limit ?? 10);
  const offset = Number(params.offset ?? 0);
  const extra = params.params ? (JSON.parse(params.params) as Record<string, unknown>) : {};
  const vectorField = info.schema.fields.find((f) => f.type === 'float_vector')!;
  const vectors = decodeQueryVectors(r.placeholder_group as Buffer);
  const dim = vectorField.dim!;
  const nq = vectors.length / 4 / dim;
  if (!Number.isInteger(nq) || nq < 1) throw new RemoteError('invalid_argument', `the dimension of the query vectors does not match field "${vectorField.name}" (dim ${dim}): got ${vectors.length / 4} values`);
  const outputs = outputFields(info, r.output_fields ?? []);
  checkFilter(info, String(r.dsl ?? ''));
  const routing = await loadedRouting(router, name);
  const metric = (params.metric_type || undefined) as MetricType | undefined;
  const header = {
    op: 'search',
    collection: name,
    topK: topK + offset,
    ...(metric ? { metric } : {}),
    params: { ...(extra.nprobe !== undefined ? { nprobe: Number(extra.nprobe) } : {}), ...(extra.ef !== undefined ? { ef: Number(extra.ef) } : {}) },
    filter: visibleFilter(info, routing, String(r.dsl ?? '')),
    outputFields: outputs.map((f) => f.name),
  };
  const replies = await router.fanOut(name, routing, header, vectors, deadline);
  const partials = replies.map((reply) => reply.header.hits as SearchResult);
  const merged = partials.length === 0 ? Array.from({ length: nq }, () => []) : mergeTopK(partials, topK + offset, metric ?? routing.index?.metric ?? 'L2');
  return { results: searchResultData(info, merged.map((hits) => hits.slice(offset)), outputs, topK), collection_name: name };
}

function searchResultData(info: CollectionInfo, result: SearchHit[][], outputs: FieldSchema[], topK: number): Record<string, unknown> {
  const pk = info.schema.fields.find((f) => f.isPrimary)!;
  const hits = result.flat();
  const ids = hits.map((h) => String(h.id));
  const columns = [pk, ...outputs].map((f, i) => fieldData(f, f === pk ? hits.map((h) => h.id) : hits.map((h) => h.fields[f.name]), 100 + i));
  return {
    num_queries: String(result.length),
    top_k: String(topK),
    fields_data: columns,
    scores: hits.map((h) => h.score),
    ids: pk.type === 'varchar' ? { str_id: { data: ids } } : { int_id: { data: ids } },
    topks: result.map((hits) => String(hits.length)),
    output_fields: [pk.name, ...outputs.map((f) => f.name)],
    primary_field_name: pk.name,
  };
}

export async function runQuery(router: Router, r: Request, deadline: number): Promise<Record<string, unknown>> {
  const name = String(r.collection_name);
  const info = await router.collection(name);
  const requested: string[] = r.output_fields ?? [];
  const filter = String(r.expr ?? '');
  checkFilter(info, filter);
  const routing = await loadedRouting(router, name);
  if (requested.includes('count(*)')) {
    const replies = await router.fanOut(name, routing, { op: 'count', collection: name, filter: visibleFilter(info, routing, filter) }, undefined, deadline);
    const count = replies.reduce((n, reply) => n + Number(reply.header.count), 0);
    return { fields_data: [{ field_name: 'count(*)', type: 'Int64', scalars: { long_data: { data: [String(count)] } }, field_id: '0', is_dynamic: false, valid_data: [] }], output_fields: ['count(*)'], collection_name: name };
  }
  const params = kv(r.query_params);
  const outputs = outputFields(info, requested);
  const replies = await router.fanOut(name, routing, { op: 'query', collection: name, filter: visibleFilter(info, routing, filter), outputFields: outputs.map((f) => f.name) }, undefined, deadline);
  let rows = replies.flatMap((reply) => reply.header.rows as Record<string, unknown>[]);
  const offset = Number(params.offset ?? 0);
  rows = rows.slice(offset, params.limit !== undefined ? offset + Number(params.limit) : undefined);
  const pk = info.schema.fields.find((f) => f.isPrimary)!;
  const fields = [pk, ...outputs];
  return {
    fields_data: fields.map((f, i) => fieldData(f, rows.map((row) => row[f.name]), 100 + i)),
    output_fields: fields.map((f) => f.name),
    collection_name: name,
    primary_field_name: pk.name,
  };
}
