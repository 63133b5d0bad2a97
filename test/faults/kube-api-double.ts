// A Kubernetes API server double on 127.0.0.1 for contract tests: pods (list, delete, watch as streamed JSON lines),
// a ReplicaSet-like controller that replaces deleted pods, and Chaos Mesh CRs validated against the CRD specs.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

interface Pod {
  metadata: { name: string; namespace: string; uid: string; labels: Record<string, string>; resourceVersion: string; deletionTimestamp?: string };
  spec: { containers: Array<{ name: string }> };
  status: { phase: string; conditions: Array<{ type: string; status: string; lastTransitionTime: string }> };
}
interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  pod: Pod;
}
type Chaos = { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string }; spec: Record<string, any>; status: Record<string, unknown> };

const TOKEN = 'contract-token';
const POD_MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'];
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

export class KubeApiDouble {
  readonly requests: RecordedRequest[] = [];
  readonly chaos = new Map<string, Chaos>();
  /** every CR ever created, in order, as received */
  readonly createdChaos: Chaos[] = [];
  replaceDelayMs = 150;
  /** answer DELETE of chaos CRs with 500, to exercise a failed revert */
  failChaosDeletes = false;
  /** the Chaos Mesh controller never reports AllInjected (a CR left behind after the inject timeout) */
  neverInject = false;
  /** pod names whose DELETE is answered with 500 (a partial delete) */
  readonly failPodDeletes = new Set<string>();
  readyDelayMs = 300;
  private readonly pods = new Map<string, Pod>();
  private readonly events: WatchEvent[] = [];
  private readonly watchers = new Set<{ selector: Record<string, string>; res: ServerResponse }>();
  private rv = 100;
  private server: Server | undefined;
  private port = 0;

  constructor(readonly namespace: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  writeKubeconfig(dir: string, context = 'contract'): string {
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `current-context: ${context}`,
        'clusters:',
        `- name: double\n  cluster:\n    insecure-skip-tls-verify: true\n    server: http://127.0.0.1:${this.port}`,
        'users:',
        `- name: tester\n  user:\n    token: ${TOKEN}`,
        'contexts:',
        `- name: ${context}\n  context:\n    cluster: double\n    user: tester\n    namespace: ${this.namespace}`,
        '',
      ].join('\n'),
    );
    return file;
  }

  addPod(name: string, labels: Record<string, string>, ready = true): Pod {
    const now = new Date().toISOString();
    const pod: Pod = {
      metadata: { name, namespace: this.namespace, uid: randomBytes(8).toString('hex'), labels, resourceVersion: String(++this.rv) },
      spec: { containers: [{ name: labels['app.kubernetes.io/component'] ?? labels.component ?? 'main' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }] },
    };
    this.pods.set(name, pod);
    this.emit('ADDED', pod);
    return pod;
  }

  pod(name: string): Pod | undefined {
    return this.pods.get(name);
  }

  podNames(): string[] {
    return [...this.pods.keys()].sort();
  }

  setReady(pod: Pod, ready: boolean): void {
    pod.status.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString() }];
    pod.metadata.resourceVersion = String(++this.rv);
    this.emit('MODIFIED', pod);
  }

  /** What a ReplicaSet does: the pod goes, a new one with a new name and uid comes, and turns Ready later. */
  private deletePod(pod: Pod): void {
    this.pods.delete(pod.metadata.name);
    pod.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', pod);
    const base = pod.metadata.name.replace(/-[a-z0-9]{5}$/, '');
    setTimeout(() => {
      const replacement = this.addPod(`${base}-${randomBytes(3).toString('hex').slice(0, 5)}`, pod.metadata.labels, false);
      setTimeout(() => this.setReady(replacement, true), this.readyDelayMs);
    }, this.replaceDelayMs);
  }

  private emit(type: WatchEvent['type'], pod: Pod): void {
    const event = { rv: this.rv, type, pod: structuredClone(pod) };
    this.events.push(event);
    for (const w of this.watchers) if (matches(pod, w.selector)) w.res.write(`${JSON.stringify({ type, object: event.pod })}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const record: RecordedRequest = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body: text ? JSON.parse(text) : undefined };
    this.requests.push(record);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(res, 401, 'Unauthorized', 'bad token');
    const podsPath = `/api/v1/namespaces/${this.namespace}/pods`;
    const chaosMatch = new RegExp(`^/apis/chaos-mesh.org/v1alpha1/namespaces/${this.namespace}/(podchaos|networkchaos)(?:/([^/]+))?$`).exec(url.pathname);
    if (url.pathname === podsPath && req.method === 'GET') return this.listOrWatch(record, res);
    if (url.pathname.startsWith(`${podsPath}/`) && req.method === 'DELETE') {
      const pod = this.pods.get(url.pathname.slice(podsPath.length + 1));
      if (!pod) return status(res, 404, 'NotFound', `pods "${url.pathname}" not found`);
      if (this.failPodDeletes.has(pod.metadata.name)) return status(res, 500, 'InternalError', 'etcdserver: request timed out');
      this.deletePod(pod);
      return json(res, 200, pod);
    }
    if (chaosMatch) return this.chaosRoute(req.method ?? '', chaosMatch[1], chaosMatch[2], record.body as Chaos, res);
    return status(res, 404, 'NotFound', `no route ${req.method} ${url.pathname}`);
  }

  private listOrWatch(request: RecordedRequest, res: ServerResponse): void {
    const selector = parseSelector(request.query.labelSelector ?? '');
    if (!selector) return status(res, 400, 'BadRequest', `unsupported labelSelector ${request.query.labelSelector}`);
    if (request.query.watch !== 'true') {
      const items = [...this.pods.values()].filter((p) => matches(p, selector));
      return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const since = Number(request.query.resourceVersion ?? this.rv);
    for (const e of this.events) if (e.rv > since && matches(e.pod, selector)) res.write(`${JSON.stringify({ type: e.type, object: e.pod })}\n`);
    const watcher = { selector, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private chaosRoute(method: string, plural: string, name: string | undefined, body: Chaos, res: ServerResponse): void {
    const key = `${plural}/${name ?? body?.metadata?.name}`;
    if (method === 'POST' && !name) {
      const problem = validateChaos(plural, body, this.namespace);
      if (problem) return status(res, 422, 'Invalid', problem);
      if (this.chaos.has(key)) return status(res, 409, 'AlreadyExists', `${key} exists`);
      const created: Chaos = { ...structuredClone(body), status: {} };
      created.metadata = { ...created.metadata, uid: randomBytes(8).toString('hex'), creationTimestamp: new Date().toISOString() };
      this.chaos.set(key, created);
      this.createdChaos.push(structuredClone(body));
      setTimeout(() => this.applyChaos(key), 100);
      return json(res, 201, created);
    }
    const existing = this.chaos.get(key);
    if (!existing) return status(res, 404, 'NotFound', `${plural}.chaos-mesh.org "${name}" not found`);
    if (method === 'GET') return json(res, 200, existing);
    if (method === 'DELETE') {
      if (this.failChaosDeletes) return status(res, 500, 'InternalError', 'etcdserver: request timed out');
      this.chaos.delete(key);
      if (existing.spec.action === 'pod-failure') for (const pod of this.targetPods(existing)) this.setReady(pod, true);
      return json(res, 200, existing);
    }
    return status(res, 405, 'MethodNotAllowed', method);
  }

  private targetPods(chaos: Chaos): Pod[] {
    const names: string[] = chaos.spec.selector?.pods?.[this.namespace] ?? [];
    return names.map((n) => this.pods.get(n)).filter((p): p is Pod => Boolean(p));
  }

  /** What the Chaos Mesh controller does once a CR exists. */
  private applyChaos(key: string): void {
    const chaos = this.chaos.get(key);
    if (!chaos || this.neverInject) return;
    const targets = this.targetPods(chaos);
    if (chaos.spec.action === 'pod-kill') for (const pod of targets) this.deletePod(pod);
    if (chaos.spec.action === 'pod-failure') for (const pod of targets) this.setReady(pod, false);
    if (chaos.spec.action === 'container-kill') {
      for (const pod of targets) {
        this.setReady(pod, false);
        setTimeout(() => this.setReady(pod, true), this.readyDelayMs);
      }
    }
    chaos.status = {
      conditions: [
        { type: 'Selected', status: targets.length > 0 ? 'True' : 'False' },
        { type: 'AllInjected', status: targets.length > 0 ? 'True' : 'False' },
        { type: 'AllRecovered', status: 'False' },
        { type: 'Paused', status: 'False' },
      ],
      experiment: { desiredPhase: 'Run' },
    };
  }
}

function parseSelector(text: string): Record<string, string> | null {
  const selector: Record<string, string> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const match = /^([\w./-]+)=([\w.-]+)$/.exec(part);
    if (!match) return null;
    selector[match[1]] = match[2];
  }
  return selector;
}

function matches(pod: Pod, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v);
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function validateSelector(selector: any, namespace: string, where: string): string | null {
  if (!selector || typeof selector !== 'object') return `${where}.selector: Required value`;
  if (selector.namespaces && (!Array.isArray(selector.namespaces) || selector.namespaces.some((n: unknown) => n !== namespace))) return `${where}.selector.namespaces: must be [${namespace}]`;
  if (selector.pods && (typeof selector.pods !== 'object' || !Object.values(selector.pods).every(Array.isArray))) return `${where}.selector.pods: must map namespace to pod names`;
  if (selector.labelSelectors && (typeof selector.labelSelectors !== 'object' || Array.isArray(selector.labelSelectors))) return `${where}.selector.labelSelectors: must be a map`;
  return null;
}

/** The checks the CRDs' OpenAPI schemas and Chaos Mesh's webhook make, for the fields this tool sends. */
function validateChaos(plural: string, body: Chaos, namespace: string): string | null {
  const kind = plural === 'podchaos' ? 'PodChaos' : 'NetworkChaos';
  if (body?.apiVersion !== 'chaos-mesh.org/v1alpha1' || body.kind !== kind) return `apiVersion/kind must be chaos-mesh.org/v1alpha1 ${kind}`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(body.metadata?.name ?? '')) return 'metadata.name: invalid DNS-1123 name';
  const spec = body.spec ?? {};
  if (!POD_MODES.includes(spec.mode)) return `spec.mode: Unsupported value: ${spec.mode}`;
  const selectorProblem = validateSelector(spec.selector, namespace, 'spec');
  if (selectorProblem) return selectorProblem;
  if (spec.duration !== undefined && !DURATION.test(spec.duration)) return `spec.duration: invalid duration ${spec.duration}`;
  if (kind === 'PodChaos') {
    if (!['pod-kill', 'pod-failure', 'container-kill'].includes(spec.action)) return `spec.action: Unsupported value: ${spec.action}`;
    if (spec.action === 'pod-failure' && !spec.duration) return 'spec.duration: required for pod-failure';
    if (spec.action === 'container-kill' && !(Array.isArray(spec.containerNames) && spec.containerNames.length > 0)) return 'spec.containerNames: required for container-kill';
    if (spec.gracePeriod !== undefined && !(Number.isInteger(spec.gracePeriod) && spec.gracePeriod >= 0)) return 'spec.gracePeriod: must be a non-negative integer';
    return null;
  }
  if (!['netem', 'delay', 'loss', 'duplicate', 'corrupt', 'partition', 'bandwidth'].includes(spec.action)) return `spec.action: Unsupported value: ${spec.action}`;
  if (spec.direction !== undefined && !['to', 'from', 'both'].includes(spec.direction)) return `spec.direction: Unsupported value: ${spec.direction}`;
  if (spec.target) {
    if (!POD_MODES.includes(spec.target.mode)) return `spec.target.mode: Unsupported value: ${spec.target.mode}`;
    const problem = validateSelector(spec.target.selector, namespace, 'spec.target');
    if (problem) return problem;
  }
  if ((spec.action === 'delay' || spec.action === 'netem') && spec.delay && !DURATION.test(spec.delay.latency)) return 'spec.delay.latency: invalid duration';
  if (spec.action === 'delay' && !spec.delay) return 'spec.delay: required for delay';
  if (spec.action === 'loss' && !spec.loss) return 'spec.loss: required for loss';
  return null;
}
