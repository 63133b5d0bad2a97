// Collection lifecycle calls with deadlines: create/drop/describe, flush, index, load, row count.
// The SDK's own flushSync / loadCollection poll forever, so the waits here are bounded and abortable.
import type { DescribeCollectionResponse } from '@zilliz/milvus2-sdk-node';
import { InterruptedError, TargetError } from '../errors.js';
import type { CollectionSpec } from '../model/index.js';
import type { TargetConnection } from './connect.js';
import { checkStatus, isSuccess, sdkCall, sleep } from './failures.js';
import { VECTOR_FIELD } from './rows.js';
import { collectionFields } from './schema.js';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Polls `check` until it answers true; TargetError naming `what` when the deadline passes. */
export async function waitUntil(what: string, check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError();
    if (await check()) return;
    if (Date.now() >= deadline) throw new TargetError(`${what} did not finish within ${Math.round(options.timeoutMs / 1000)}s`);
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

export async function collectionExists(conn: TargetConnection, name: string): Promise<boolean> {
  const reply = await sdkCall(`checking whether collection '${name}' exists`, () =>
    conn.client.hasCollection({ collection_name: name }),
  );
  checkStatus(reply.status, `checking whether collection '${name}' exists`);
  return Boolean(reply.value);
}

export async function describeCollection(conn: TargetConnection, name: string): Promise<DescribeCollectionResponse> {
  const reply = await sdkCall(`describing collection '${name}'`, () =>
    conn.client.describeCollection({ collection_name: name, cache: false }),
  );
  checkStatus(reply.status, `describing collection '${name}'`);
  return reply;
}

export async function dropCollection(conn: TargetConnection, name: string): Promise<void> {
  const reply = await sdkCall(`dropping collection '${name}'`, () => conn.client.dropCollection({ collection_name: name }));
  checkStatus(reply, `dropping collection '${name}'`);
}

export async function createCollection(conn: TargetConnection, spec: CollectionSpec): Promise<void> {
  const reply = await sdkCall(`creating collection '${spec.name}'`, () =>
    conn.client.createCollection({
      collection_name: spec.name,
      fields: collectionFields(spec),
      shards_num: spec.shards,
      enable_dynamic_field: false,
    }),
  );
  checkStatus(reply, `creating collection '${spec.name}'`);
}

/** Rows the server reports for the collection (flushed and growing), without needing it loaded. */
export async function storedRowCount(conn: TargetConnection, name: string): Promise<number> {
  const reply = await sdkCall(`reading the row count of '${name}'`, () =>
    conn.client.getCollectionStatistics({ collection_name: name }),
  );
  checkStatus(reply.status, `reading the row count of '${name}'`);
  return Number(reply.data?.row_count ?? 0);
}

export async function flushCollection(conn: TargetConnection, name: string, wait: WaitOptions): Promise<void> {
  const reply = await sdkCall(`flushing '${name}'`, () => conn.client.flush({ collection_names: [name], timeout: wait.timeoutMs }));
  checkStatus(reply.status, `flushing '${name}'`);
  const segmentIDs = reply.coll_segIDs?.[name]?.data ?? [];
  const flushTs = (reply as { coll_flush_ts?: Record<string, string> }).coll_flush_ts?.[name];
  await waitUntil(
    `flushing '${name}'`,
    async () => {
      const state = await sdkCall(`reading the flush state of '${name}'`, () =>
        conn.client.getFlushState({ segmentIDs, flush_ts: flushTs, collection_name: name } as Parameters<
          typeof conn.client.getFlushState
        >[0]),
      );
      checkStatus(state.status, `reading the flush state of '${name}'`);
      return Boolean(state.flushed);
    },
    { pollMs: 100, ...wait },
  );
}

interface ExistingIndex {
  indexType: string | undefined;
  metricType: string | undefined;
}

async function existingVectorIndex(conn: TargetConnection, name: string): Promise<ExistingIndex | null> {
  const reply = await sdkCall(`describing the index of '${name}'`, () =>
    conn.client.describeIndex({ collection_name: name, field_name: VECTOR_FIELD }),
  );
  // Milvus answers IndexNotExist as a non-success status.
  if (!isSuccess(reply.status) || !reply.index_descriptions?.length) return null;
  const params = reply.index_descriptions[0].params ?? [];
  const param = (key: string) => params.find((p) => p.key === key)?.value?.toString();
  return { indexType: param('index_type'), metricType: param('metric_type') };
}

async function indexBuilt(conn: TargetConnection, name: string): Promise<boolean> {
  const reply = await sdkCall(`reading the index state of '${name}'`, () =>
    conn.client.describeIndex({ collection_name: name, field_name: VECTOR_FIELD }),
  );
  checkStatus(reply.status, `reading the index state of '${name}'`);
  const index = reply.index_descriptions?.[0];
  if (!index) return false;
  if (index.state === 'Failed') throw new TargetError(`building the index of '${name}' failed: ${index.index_state_fail_reason}`);
  return !index.state || index.state === 'Finished' || index.state === 'None';
}

/** Creates the vector index (replacing one of another type or metric) and waits until it is built. */
export async function ensureVectorIndex(conn: TargetConnection, spec: CollectionSpec, wait: WaitOptions): Promise<string> {
  const existing = await existingVectorIndex(conn, spec.name);
  if (existing && existing.indexType === spec.index.type && existing.metricType === spec.metric) {
    return `${spec.index.type} ${spec.metric} (existing)`;
  }
  if (existing) {
    const released = await sdkCall(`releasing '${spec.name}'`, () => conn.client.releaseCollection({ collection_name: spec.name }));
    checkStatus(released, `releasing '${spec.name}'`);
    const dropped = await sdkCall(`dropping the index of '${spec.name}'`, () =>
      conn.client.dropIndex({ collection_name: spec.name, field_name: VECTOR_FIELD }),
    );
    checkStatus(dropped, `dropping the index of '${spec.name}'`);
  }
  const created = await sdkCall(`creating the ${spec.index.type} index of '${spec.name}'`, () =>
    conn.client.createIndex({
      collection_name: spec.name,
      field_name: VECTOR_FIELD,
      index_type: spec.index.type,
      metric_type: spec.metric,
      params: spec.index.params,
      timeout: wait.timeoutMs,
    }),
  );
  checkStatus(created, `creating the ${spec.index.type} index of '${spec.name}'`);
  await waitUntil(`building the index of '${spec.name}'`, () => indexBuilt(conn, spec.name), wait);
  const params = Object.entries(spec.index.params).map(([k, v]) => `${k}=${v}`);
  return `${spec.index.type} ${spec.metric}${params.length ? ` ${params.join(' ')}` : ''}${existing ? ' (replaced)' : ''}`;
}

async function loadedReplicas(conn: TargetConnection, name: string): Promise<number | null> {
  try {
    const state = await conn.client.getLoadState({ collection_name: name });
    if (!isSuccess(state.status) || state.state !== 'LoadStateLoaded') return null;
    const replicas = await conn.client.getReplicas({ collection_name: name } as Parameters<typeof conn.client.getReplicas>[0]);
    return isSuccess(replicas.status) ? (replicas.replicas?.length ?? null) : null;
  } catch {
    return null; // servers without these calls: load and let the server decide
  }
}

/** Loads with `replicas` replicas (releasing first when loaded with another count) and waits for 100 %. */
export async function loadCollection(conn: TargetConnection, spec: CollectionSpec, wait: WaitOptions): Promise<void> {
  const current = await loadedReplicas(conn, spec.name);
  if (current !== null && current !== spec.replicas) {
    const released = await sdkCall(`releasing '${spec.name}'`, () => conn.client.releaseCollection({ collection_name: spec.name }));
    checkStatus(released, `releasing '${spec.name}'`);
  }
  const action = `loading '${spec.name}' with ${spec.replicas} replica${spec.replicas === 1 ? '' : 's'}`;
  const reply = await sdkCall(action, () =>
    conn.client.loadCollectionAsync({ collection_name: spec.name, replica_number: spec.replicas, timeout: wait.timeoutMs }),
  );
  checkStatus(reply, action);
  await waitUntil(
    action,
    async () => {
      const progress = await sdkCall(action, () => conn.client.getLoadingProgress({ collection_name: spec.name }));
      checkStatus(progress.status, action);
      return Number(progress.progress) >= 100;
    },
    wait,
  );
}
