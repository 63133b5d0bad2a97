// The proxy's view of where segments are served: a routing table cached from the coordinator (so searches on loaded
// collections continue while the coordinator is down) and a fan-out that retries another replica at once.
import { InternalClient, isUnreachable, RemoteError, type Frame } from './rpc.js';
import type { CollectionSchema, IndexProgress, IndexSpec } from './engine/index.js';

export interface SegmentRoute {
  id: number;
  nodes: { name: string; address: string }[];
}

export interface Routing {
  loaded: boolean;
  schemaId: string;
  replicas?: number;
  segments?: SegmentRoute[];
  index?: IndexSpec | null;
  /** deleted primary keys (as text): hidden from every read */
  deleted?: string[];
}

export interface CollectionInfo {
  schema: CollectionSchema;
  index: IndexSpec | null;
  indexProgress: IndexProgress;
  rows: number;
  loaded: boolean;
}

const ROUTING_REFRESH_MS = 300;
const MAX_ROUNDS = 4;

export class Router {
  private readonly routes = new Map<string, { routing: Routing; fetchedAt: number; refreshing?: Promise<Routing> }>();
  private readonly schemas = new Map<string, CollectionInfo>();
  private readonly clients = new Map<string, InternalClient>();
  private nextReplica = 0;

  constructor(readonly coordinator: InternalClient) {}

  async coordinatorCall(header: Record<string, unknown>, body?: Buffer, timeoutMs = 10_000): Promise<Frame> {
    try {
      return await this.coordinator.call(header, body, timeoutMs);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      throw new RemoteError('unavailable', `coordinator unavailable at ${this.coordinator.address} (${(error as Error).message.split('\n')[0]}); DDL and loads fail until it is back`);
    }
  }

  /** Describe, cached; a stale cache serves while the coordinator is down. */
  async collection(name: string, fresh = false): Promise<CollectionInfo> {
    const cached = this.schemas.get(name);
    if (cached && !fresh) return cached;
    try {
      const info = (await this.coordinatorCall({ op: 'describeCollection', name }, undefined, 3000)).header as unknown as CollectionInfo;
      this.schemas.set(name, info);
      return info;
    } catch (error) {
      if (cached && error instanceof RemoteError && error.code === 'unavailable') return cached;
      if (error instanceof RemoteError && error.code === 'collection_not_found') this.forget(name);
      throw error;
    }
  }

  forget(name: string): void {
    this.schemas.delete(name);
    this.routes.delete(name);
  }

  async routing(name: string): Promise<Routing> {
    const entry = this.routes.get(name);
    // "not loaded" is never served from the cache: a load that just finished must be seen at once.
    if (!entry || !entry.routing.loaded) {
      const routing = (await this.coordinatorCall({ op: 'routing', name }, undefined, 3000)).header as unknown as Routing;
      this.routes.set(name, { routing, fetchedAt: Date.now() });
      return routing;
    }
    if (Date.now() - entry.fetchedAt > ROUTING_REFRESH_MS && !entry.refreshing) this.refresh(name, entry);
    return entry.routing;
  }

  private refresh(name: string, entry: { routing: Routing; fetchedAt: number; refreshing?: Promise<Routing> }): void {
    entry.refreshing = this.coordinatorCall({ op: 'routing', name }, undefined, 2000).then((reply) => reply.header as unknown as Routing);
    entry.refreshing.then(
      (routing) => {
        if (routing.schemaId !== entry.routing.schemaId) this.schemas.delete(name);
        this.routes.set(name, { routing, fetchedAt: Date.now() });
      },
      (error: unknown) => {
        delete entry.refreshing;
        entry.fetchedAt = Date.now(); // keep serving the cached table (coordinator down)
        if (error instanceof RemoteError && error.code === 'collection_not_found') this.forget(name);
      },
    );
  }

  /** Sends `header` to one serving replica per segment (replica chosen round-robin); a node that fails is replaced
   *  by another replica of its segments at once. Throws 'unavailable' naming the segment no replica can serve. */
  async fanOut(collection: string, routing: Routing, header: Record<string, unknown>, body: Buffer | undefined, deadline: number): Promise<Frame[]> {
    const replica = this.nextReplica++;
    const arrange = preferOne(routing.segments ?? [], replica);
    let todo = (routing.segments ?? []).map((s) => ({ id: s.id, nodes: arrange(s.nodes) }));
    const failed = new Set<string>();
    const replies: Frame[] = [];
    for (let round = 0; todo.length > 0; round++) {
      const groups = new Map<string, { address: string; ids: number[] }>();
      for (const segment of todo) {
        if (Date.now() >= deadline) throw new RemoteError('deadline_exceeded', `${String(header.op)} on ${collection}: the request deadline passed before segment ${segment.id} was served`);
        const node = segment.nodes.find((n) => !failed.has(n.name));
        if (!node || round >= MAX_ROUNDS) {
          this.routes.get(collection)!.fetchedAt = 0;
          const tried = segment.nodes.map((n) => n.name).join(', ') || 'none';
          throw new RemoteError('unavailable', `channel not available[collection=${collection}]: no available shard delegator for segment ${segment.id} (replicas tried: ${tried})`);
        }
        const group = groups.get(node.name) ?? { address: node.address, ids: [] };
        group.ids.push(segment.id);
        groups.set(node.name, group);
      }
      const entries = [...groups];
      const settled = await Promise.allSettled(entries.map(([, g]) => this.client(g.address).call({ ...header, segments: g.ids, deadline }, body, Math.max(1, deadline - Date.now()))));
      todo = [];
      settled.forEach((result, i) => {
        const [node, group] = entries[i]!;
        if (result.status === 'fulfilled') return void replies.push(result.value);
        const error = result.reason as unknown;
        if (!isUnreachable(error) && (error as RemoteError).code !== 'segment_not_loaded') throw error;
        // Out of time is not a dead replica: retrying elsewhere would only add load to an overloaded cluster.
        if ((error as { code?: unknown }).code === 4) throw new RemoteError('deadline_exceeded', `${String(header.op)} timed out waiting for ${node} (segments ${group.ids.join(', ')})`);
        failed.add(node);
        this.routes.get(collection)!.fetchedAt = 0;
        todo.push(...group.ids.map((id) => ({ id, nodes: arrange(routing.segments!.find((s) => s.id === id)!.nodes) })));
      });
    }
    return replies;
  }

  private client(address: string): InternalClient {
    let client = this.clients.get(address);
    if (!client) this.clients.set(address, (client = new InternalClient(address)));
    return client;
  }
}

/** Orders each segment's replicas so that one node (chosen round-robin per request) serves every segment it holds:
 *  with full replicas a search costs one internal call instead of one per node. */
function preferOne(segments: SegmentRoute[], by: number): (nodes: SegmentRoute['nodes']) => SegmentRoute['nodes'] {
  const names = [...new Set(segments.flatMap((s) => s.nodes.map((n) => n.name)))].sort();
  const preferred = names[by % Math.max(1, names.length)];
  return (nodes) => {
    const rotated = rotate(nodes, by);
    const i = rotated.findIndex((n) => n.name === preferred);
    return i > 0 ? [rotated[i]!, ...rotated.slice(0, i), ...rotated.slice(i + 1)] : rotated;
  };
}

function rotate<T>(items: T[], by: number): T[] {
  if (items.length < 2) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
