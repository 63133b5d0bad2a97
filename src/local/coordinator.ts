// Coordinator process: the single writer of storage (engine CollectionStore), querynode sessions with a TTL,
// segment placement over live querynodes and the routing table proxies cache.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CollectionStore, EngineError, type CollectionSpec, type IndexSpec } from './engine/index.js';
import { place, replicaGroups } from './assignment.js';
import { coordinatorStateFile, readJsonFile, storageDir, writeJsonFile, type ComponentOptions } from './layout.js';
import { ComponentMetrics } from './observability.js';
import { addInternalService, INTERNAL_SERVER_OPTIONS, listen, RemoteError, type Frame } from './rpc.js';
import { log } from './component-log.js';

interface Session {
  address: string;
  lastSeen: number;
  /** Per collection: the load epoch the node reported and the segments it serves for it. */
  loaded: Map<string, { epoch: number; segments: Set<number> }>;
}

interface LoadedCollection {
  replicas: number;
  /** Distinguishes this load from an earlier load of the same collection (stale heartbeat reports). */
  epoch: number;
  placement: Map<number, string[]>;
  /** Segments some node has served: when none serves them any more the collection is degraded, not loading. */
  served: Set<number>;
  /** Set once the load first reached 100 %: later index builds (new segments) do not send progress back down. */
  ready?: boolean;
  error?: string;
}

const RECONCILE_MS = 200;
/** Deleted primary keys per collection (as text), hidden from search, query and count by the proxies. */
const deletesFile = (dataDir: string): string => join(dataDir, 'coordinator-deletes.json');

export class Coordinator {
  private readonly sessions = new Map<string, Session>();
  private readonly loaded = new Map<string, LoadedCollection>();
  private readonly deleted = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;
  private epochs = Date.now();
  private lastLivenessCheck = Date.now();

  private constructor(private readonly store: CollectionStore, private readonly options: ComponentOptions, readonly metrics: ComponentMetrics) {}

  static async start(options: ComponentOptions, metrics: ComponentMetrics): Promise<{ coordinator: Coordinator; grpcPort: number }> {
    // Milvus 2.3 indexes no segment below dataCoord.minSegmentSizeToEnableIndex (1024 rows): small ones are scanned exactly.
    const store = await CollectionStore.open(storageDir(options.dataDir), { appendDurability: 'write', indexBuild: 'background', minRowsToIndex: 1024 });
    const coordinator = new Coordinator(store, options, metrics);
    const saved = await readJsonFile<Record<string, number>>(coordinatorStateFile(options.dataDir));
    for (const [name, replicas] of Object.entries(saved ?? {})) if (store.hasCollection(name)) coordinator.loaded.set(name, { replicas, epoch: ++coordinator.epochs, placement: new Map(), served: new Set() });
    const deletes = await readJsonFile<Record<string, string[]>>(deletesFile(options.dataDir));
    for (const [name, keys] of Object.entries(deletes ?? {})) if (store.hasCollection(name)) coordinator.deleted.set(name, new Set(keys));
    const server = new grpc.Server(INTERNAL_SERVER_OPTIONS);
    addInternalService(server, (frame) => coordinator.handle(frame));
    const grpcPort = await listen(server, options.grpcPort);
    coordinator.timer = setInterval(() => coordinator.reconcile(), RECONCILE_MS);
    return { coordinator, grpcPort };
  }

  private async handle(frame: Frame): Promise<Frame> {
    const op = String(frame.header.op);
    try {
      const reply = await this.dispatch(op, frame);
      this.metrics.countRequest(op, true);
      return reply;
    } catch (error) {
      this.metrics.countRequest(op, false);
      if (error instanceof EngineError) throw new RemoteError(error.code, error.message);
      throw error;
    }
  }

  private async dispatch(op: string, { header: h, body }: Frame): Promise<Frame> {
    const name = String(h.name ?? '');
    switch (op) {
      case 'heartbeat':
        return { header: this.heartbeat(h) };
      case 'createCollection': {
        const spec = h.spec as CollectionSpec;
        // Milvus 2.3 answers Success to a repeated create with the same schema (and fails on a different one).
        if (this.store.hasCollection(spec.name) && sameFields(this.store.describeCollection(spec.name).fields, spec.fields)) return { header: { schema: this.store.describeCollection(spec.name) } };
        const schema = await this.store.createCollection(spec);
        if (this.deleted.delete(schema.name)) await this.saveDeleted();
        return { header: { schema } };
      }
      case 'dropCollection':
        this.loaded.delete(name);
        await this.saveLoaded();
        if (this.deleted.delete(name)) await this.saveDeleted();
        await this.store.dropCollection(name);
        return { header: {} };
      case 'listCollections':
        return { header: { names: this.store.listCollections(), loaded: [...this.loaded.keys()] } };
      case 'describeCollection':
        return { header: { schema: this.store.describeCollection(name), index: this.store.describeIndex(name) ?? null, indexProgress: this.store.indexProgress(name), rows: this.store.rowCount(name), loaded: this.loaded.has(name) } };
      case 'insert':
        return { header: await this.insert(name, h, body) };
      case 'flush':
        return { header: { segments: Object.fromEntries(await Promise.all((h.names as string[]).map(async (n) => [n, (await this.store.flush(n)).map((s) => s.id)]))) } };
      case 'delete':
        return { header: await this.delete(name, h.keys as string[]) };
      case 'createIndex':
        // Records the spec and returns: segment indexes are built by worker threads (DescribeIndex shows progress).
        await this.store.createIndex(name, h.spec as IndexSpec);
        return { header: { indexProgress: this.store.indexProgress(name) } };
      case 'load':
        return { header: await this.load(name, Number(h.replicas) || 1) };
      case 'release':
        this.store.describeCollection(name);
        this.loaded.delete(name);
        await this.saveLoaded();
        return { header: {} };
      case 'loadProgress':
        return { header: this.progress(name) };
      case 'replicas':
        return { header: { groups: this.replicaInfo(name) } };
      case 'routing':
        return { header: this.routing(name) };
      default:
        throw new RemoteError('unsupported', `coordinator operation ${op} is not supported`);
    }
  }

  private async insert(name: string, h: Record<string, unknown>, body: Buffer | undefined): Promise<Record<string, unknown>> {
    const columns = { ...(h.columns as Record<string, never>) };
    if (h.vectorField && body) columns[String(h.vectorField)] = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)) as never;
    const { ids } = await this.store.append(name, { rowCount: Number(h.rowCount), columns });
    return { ids: ids.map(String) };
  }

  private async delete(name: string, keys: string[]): Promise<Record<string, unknown>> {
    this.store.describeCollection(name);
    const set = this.deleted.get(name) ?? new Set<string>();
    for (const key of keys) set.add(String(key));
    this.deleted.set(name, set);
    await this.saveDeleted();
    return { deleted: keys.length };
  }

  private async saveDeleted(): Promise<void> {
    await writeJsonFile(deletesFile(this.options.dataDir), Object.fromEntries([...this.deleted].map(([n, keys]) => [n, [...keys]])));
  }

  private async load(name: string, replicas: number): Promise<Record<string, unknown>> {
    this.store.describeCollection(name);
    const current = this.loaded.get(name);
    if (current && current.replicas !== replicas) {
      throw new RemoteError('invalid_argument', `collection "${name}" is already loaded with ${current.replicas} replica(s); release it before loading with ${replicas}`);
    }
    if (!current) this.loaded.set(name, { replicas, epoch: ++this.epochs, placement: new Map(), served: new Set() });
    await this.saveLoaded();
    this.reconcile();
    return {};
  }

  private heartbeat(h: Record<string, unknown>): Record<string, unknown> {
    const node = String(h.node);
    const known = this.sessions.get(node);
    if (!known || Date.now() - known.lastSeen > this.options.sessionTtlMs) log(`querynode ${node} joined at ${String(h.address)}`);
    const reported = Object.entries(h.loaded as Record<string, { epoch: number; segments: number[] }>);
    const loaded = new Map(reported.map(([c, r]) => [c, { epoch: r.epoch, segments: new Set(r.segments) }]));
    this.sessions.set(node, { address: String(h.address), lastSeen: Date.now(), loaded });
    for (const [collection, problem] of Object.entries((h.failed as Record<string, string>) ?? {})) {
      const state = this.loaded.get(collection);
      if (state) state.error = problem;
    }
    if (!known) this.reconcile();
    const assignments: Record<string, { epoch: number; segments: number[] }> = {};
    for (const [collection, state] of this.loaded) {
      const segments = [...state.placement].filter(([, nodes]) => nodes.includes(node)).map(([segment]) => segment);
      assignments[collection] = { epoch: state.epoch, segments };
    }
    return { assignments };
  }

  private liveNodes(): string[] {
    const now = Date.now();
    // A blocked event loop (an index build runs here) cannot tell a silent node from an unheard one: grace them.
    if (now - this.lastLivenessCheck > this.options.sessionTtlMs / 2) for (const session of this.sessions.values()) session.lastSeen = Math.max(session.lastSeen, now - this.options.sessionTtlMs / 2);
    this.lastLivenessCheck = now;
    const live: string[] = [];
    for (const [name, session] of this.sessions) {
      if (now - session.lastSeen <= this.options.sessionTtlMs) live.push(name);
      else {
        log(`querynode ${name} declared dead (no heartbeat for ${this.options.sessionTtlMs} ms); reloading its segments elsewhere`);
        this.sessions.delete(name);
      }
    }
    return live.sort();
  }

  private reconcile(): void {
    const live = this.liveNodes();
    const load = new Map(live.map((n) => [n, 0]));
    for (const state of this.loaded.values()) for (const nodes of state.placement.values()) for (const n of nodes) if (load.has(n)) load.set(n, load.get(n)! + 1);
    for (const [name, state] of this.loaded) {
      if (!this.store.hasCollection(name)) {
        this.loaded.delete(name);
        continue;
      }
      const loadedBy = new Map([...this.sessions].map(([n]) => [n, this.servedBy(n, name)]));
      const segments = this.store.listSegments(name).map((s) => s.id);
      state.placement = place(state.placement, { segments, replicas: state.replicas, live, loaded: loadedBy, load });
    }
  }

  /** Segments `node` serves for the current load of `collection` (reports for an earlier load do not count). */
  private servedBy(node: string, collection: string): Set<number> {
    const report = this.sessions.get(node)?.loaded.get(collection);
    return report && report.epoch === this.loaded.get(collection)?.epoch ? report.segments : new Set();
  }

  private progress(name: string): Record<string, unknown> {
    const state = this.loaded.get(name);
    if (!state) return { progress: 0, loaded: false };
    if (state.error) throw new RemoteError('corrupt_file', `loading collection "${name}" failed: ${state.error}`);
    const live = this.liveNodes();
    const wanted = Math.min(state.replicas, live.length);
    if (wanted === 0) return { progress: 0, loaded: true };
    let ready = 0;
    for (const [segment, nodes] of state.placement) {
      const serving = nodes.filter((n) => this.servedBy(n, name).has(segment)).length;
      if (serving >= wanted) ready++;
    }
    const total = state.placement.size;
    let progress = total === 0 ? 100 : Math.floor((ready / total) * 100);
    // A first load completes only once the index is built: searches then start at indexed speed (Milvus waits too).
    if (!state.ready && progress === 100 && this.store.indexProgress(name).state === 'InProgress') progress = 99;
    if (progress === 100) state.ready = true;
    return { progress, loaded: true };
  }

  private replicaInfo(name: string): string[][] {
    this.store.describeCollection(name);
    const state = this.loaded.get(name);
    return state ? replicaGroups(state.placement, state.replicas) : [];
  }

  /** Per segment, the live nodes that have it loaded, with their addresses. */
  private routing(name: string): Record<string, unknown> {
    const schema = this.store.describeCollection(name);
    const state = this.loaded.get(name);
    if (!state) return { loaded: false, schemaId: schema.id };
    const segments = [];
    for (const [id, nodes] of state.placement) {
      const serving = nodes.filter((n) => this.servedBy(n, name).has(id));
      if (serving.length > 0) state.served.add(id);
      else if (!state.served.has(id)) continue; // still loading for the first time
      segments.push({ id, nodes: serving.map((n) => ({ name: n, address: this.sessions.get(n)!.address })) });
    }
    return { loaded: true, schemaId: schema.id, replicas: state.replicas, segments, index: this.store.describeIndex(name) ?? null, deleted: [...(this.deleted.get(name) ?? [])] };
  }

  private async saveLoaded(): Promise<void> {
    await writeJsonFile(coordinatorStateFile(this.options.dataDir), Object.fromEntries([...this.loaded].map(([n, s]) => [n, s.replicas])));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.store.close();
  }
}

function sameFields(a: CollectionSpec['fields'], b: CollectionSpec['fields']): boolean {
  const shape = (fields: CollectionSpec['fields']) => JSON.stringify(fields.map((f) => [f.name, f.type, f.dim ?? null, f.maxLength ?? null, !!f.isPrimary, !!f.autoId]));
  return shape(a) === shape(b);
}
