// Querynode process: holds loaded copies of the segments the coordinator assigns it (read from the data dir),
// heartbeats its session, and serves per-segment search / query / count for proxies.
import * as grpc from '@grpc/grpc-js';
import { CollectionReader, EngineError, mergeTopK, type FieldValue, type MetricType, type SearchParams, type SearchResult } from './engine/index.js';
import { log } from './component-log.js';
import { storageDir, type ComponentOptions } from './layout.js';
import { ComponentMetrics } from './observability.js';
import { addInternalService, INTERNAL_SERVER_OPTIONS, InternalClient, listen, RemoteError, type Frame } from './rpc.js';

type Segments = Map<number, CollectionReader>;
interface Assignment {
  epoch: number;
  segments: number[];
}

export class QueryNode {
  private readonly collections = new Map<string, Segments>();
  private readonly epochs = new Map<string, number>();
  private readonly failed: Record<string, string> = {};
  private readonly coordinator: InternalClient;
  private applying = false;
  private timer?: NodeJS.Timeout;
  address = '';
  registered = false;

  private constructor(readonly name: string, private readonly options: ComponentOptions, readonly metrics: ComponentMetrics) {
    this.coordinator = new InternalClient(options.coordinator);
  }

  static async start(name: string, options: ComponentOptions, metrics: ComponentMetrics): Promise<{ node: QueryNode; grpcPort: number }> {
    const node = new QueryNode(name, options, metrics);
    const server = new grpc.Server(INTERNAL_SERVER_OPTIONS);
    addInternalService(server, (frame) => node.handle(frame));
    const grpcPort = await listen(server, options.grpcPort);
    node.address = `127.0.0.1:${grpcPort}`;
    const every = Math.max(100, Math.floor(options.sessionTtlMs / 3));
    node.timer = setInterval(() => void node.heartbeat(), every);
    void node.heartbeat();
    return { node, grpcPort };
  }

  private loadedReport(): Record<string, { epoch: number | undefined; segments: number[] }> {
    return Object.fromEntries([...this.collections].map(([c, segments]) => [c, { epoch: this.epochs.get(c), segments: [...segments.keys()] }]));
  }

  private async heartbeat(): Promise<void> {
    const loaded = this.loadedReport();
    try {
      const reply = await this.coordinator.call({ op: 'heartbeat', node: this.name, address: this.address, loaded, failed: this.failed }, undefined, 2000);
      if (!this.registered) log(`registered with coordinator ${this.options.coordinator}`);
      this.registered = true;
      if (!this.applying) {
        this.applying = true;
        await this.apply(reply.header.assignments as Record<string, Assignment>).finally(() => (this.applying = false));
        // Report a changed set at once: until the next beat the coordinator would route by the old report (a
        // restarted node serving its segments again would be listed as serving none of them).
        if (JSON.stringify(this.loadedReport()) !== JSON.stringify(loaded)) void this.heartbeat();
      }
    } catch (error) {
      if (this.registered) log(`heartbeat to coordinator failed: ${(error as Error).message}`);
      this.registered = false;
    }
  }

  /** Loads newly assigned segments, drops unassigned ones and tails growing logs. */
  private async apply(assignments: Record<string, Assignment>): Promise<void> {
    for (const collection of [...this.collections.keys()]) {
      if (assignments[collection]?.epoch !== this.epochs.get(collection)) {
        this.collections.delete(collection);
        delete this.failed[collection];
      }
    }
    for (const [collection, { epoch, segments: wanted }] of Object.entries(assignments)) {
      this.epochs.set(collection, epoch);
      const segments = this.collections.get(collection) ?? new Map<number, CollectionReader>();
      this.collections.set(collection, segments);
      for (const id of [...segments.keys()]) if (!wanted.includes(id)) segments.delete(id);
      for (const id of wanted) {
        try {
          const reader = segments.get(id);
          if (!reader) {
            segments.set(id, await CollectionReader.open(storageDir(this.options.dataDir), collection, { segmentFilter: (s) => s.id === id }));
            log(`loaded segment ${id} of ${collection}`);
          } else await reader.refresh(); // sealed-only readers too: an index built after load arrives this way
          delete this.failed[collection];
        } catch (error) {
          segments.delete(id);
          if (error instanceof EngineError && error.code === 'collection_not_found') continue;
          this.failed[collection] = (error as Error).message;
          log(`loading segment ${id} of ${collection} failed: ${(error as Error).message}`);
        }
      }
    }
  }

  private async handle({ header: h, body }: Frame): Promise<Frame> {
    const op = String(h.op);
    const started = performance.now();
    try {
      // Shed work whose caller already gave up: a backlog must not starve heartbeats (the session would expire).
      if (typeof h.deadline === 'number' && Date.now() > h.deadline) throw new RemoteError('deadline_exceeded', `${op} arrived after its deadline on ${this.name}`);
      const readers = this.readers(String(h.collection), h.segments as number[]);
      let reply: Record<string, unknown>;
      if (op === 'search') reply = { hits: this.search(readers, h, body!) };
      else if (op === 'query') reply = { rows: readers.flatMap((r) => r.query({ filter: h.filter as string, outputFields: h.outputFields as string[] }).map(plainRow)) };
      else if (op === 'count') reply = { count: readers.reduce((n, r) => n + r.count(h.filter as string), 0) };
      else throw new RemoteError('unsupported', `querynode operation ${op} is not supported`);
      this.metrics.countRequest(op, true);
      this.metrics.observe(op === 'search' ? 'search' : 'query', performance.now() - started);
      return { header: reply };
    } catch (error) {
      this.metrics.countRequest(op, false);
      if (error instanceof EngineError) throw new RemoteError(error.code, error.message);
      throw error;
    }
  }

  private readers(collection: string, ids: number[]): CollectionReader[] {
    const segments = this.collections.get(collection);
    return ids.map((id) => {
      const reader = segments?.get(id);
      if (!reader) throw new RemoteError('segment_not_loaded', `segment ${id} of ${collection} is not loaded on ${this.name}`);
      return reader;
    });
  }

  private search(readers: CollectionReader[], h: Record<string, unknown>, body: Buffer): unknown {
    const vectors = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
    const request = { vectors, topK: Number(h.topK), metric: h.metric as MetricType | undefined, params: h.params as SearchParams, filter: h.filter as string, outputFields: h.outputFields as string[] };
    const partials: SearchResult[] = readers.map((r) => r.search(request));
    const merged = partials.length === 1 ? partials[0]! : mergeTopK(partials, request.topK, request.metric ?? readers[0]?.index()?.metric ?? 'L2');
    return merged.map((hits) => hits.map((hit) => ({ id: hit.id, score: hit.score, fields: plainRow(hit.fields) })));
  }

  close(): void {
    clearInterval(this.timer);
    this.coordinator.close();
  }
}

function plainRow(row: Record<string, FieldValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Float32Array ? Array.from(v) : v;
  return out;
}
