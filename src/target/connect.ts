// Connects the official SDK to a Milvus address: fails fast with the address in the message, records
// the server version, and never lets the SDK's connect promise reject unhandled.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { ChannelOptions } from '@grpc/grpc-js';
import { TargetError, UsageError } from '../errors.js';
import { notAnAddress, resolveEndpoint, type TargetEndpoint } from '../model/address.js';
import type { StepTiming, TargetConfig } from '../model/index.js';
import { describeFailure, grpcCodeOf, isSuccess, sleep } from './failures.js';

export interface TargetConnection {
  client: MilvusClient;
  /** host:port, without credentials */
  address: string;
  /** where and how the SDK connected, for the load's own channels (the same parse, so both paths agree) */
  endpoint: TargetEndpoint;
  serverVersion: string | null;
  database: string;
  /** gRPC clients in the SDK pool: the most calls this connection has in flight at once */
  poolSize: number;
  /** the connect step, for the run's step timings */
  connectStep: StepTiming;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** gRPC clients in the SDK pool = calls in flight at once (the SDK default of 10 throttles parallel ingest) */
  poolSize?: number;
}

const DEFAULT_POOL_SIZE = 16;
/** Default deadline of calls that do not pass their own; setup calls pass theirs. */
const CALL_TIMEOUT_MS = 60_000;
const RETRY_PAUSE_MS = 250;

/** grpc-js otherwise waits 1–2.5 s (with jitter, growing) before reconnecting to a restarted proxy. */
export const FAST_RECONNECT_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/** The address module's endpoint for the config; a target the config check let through is always one of its forms. */
export function targetEndpoint(cfg: TargetConfig): TargetEndpoint {
  const endpoint = resolveEndpoint(cfg);
  if (!endpoint) throw new UsageError(`target.address: ${notAnAddress(cfg.address)}`);
  return endpoint;
}

function createClient(cfg: TargetConfig, endpoint: TargetEndpoint, poolSize: number): MilvusClient {
  return new MilvusClient({
    address: endpoint.address,
    ssl: endpoint.tls,
    token: endpoint.token,
    username: endpoint.username,
    password: endpoint.password,
    database: endpoint.database,
    // the Connect handshake runs with this deadline; calls after it get CALL_TIMEOUT_MS
    timeout: cfg.connectTimeoutMs,
    isGlobal: false,
    logLevel: 'error',
    channelOptions: FAST_RECONNECT_CHANNEL_OPTIONS,
    pool: { min: 1, max: poolSize },
  });
}

type ConnectOutcome = { ok: true; reply: unknown } | { ok: false; error: unknown } | { ok: false; timedOut: true };

/** Waits for the SDK's Connect handshake; the promise is always handled, even when the wait gives up first. */
function awaitHandshake(client: MilvusClient, waitMs: number): Promise<ConnectOutcome> {
  const handshake = client.connectPromise.then(
    (reply: unknown): ConnectOutcome => ({ ok: true, reply }),
    (error: unknown): ConnectOutcome => ({ ok: false, error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ConnectOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, timedOut: true }), Math.max(0, waitMs));
  });
  return Promise.race([handshake, timeout]).finally(() => clearTimeout(timer));
}

function isTransient(error: unknown): boolean {
  const code = grpcCodeOf(error);
  return code === undefined || code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED;
}

async function readServerVersion(client: MilvusClient): Promise<string | null> {
  try {
    const reply = await client.getVersion();
    return reply?.version ? reply.version : null;
  } catch {
    return null; // old servers and test doubles may not answer GetVersion; the version is informational
  }
}

/** Repeats the SDK's Connect handshake until it succeeds, is refused, or the deadline passes. */
async function handshake(client: MilvusClient, shownAddress: string, cfg: TargetConfig, deadline: number): Promise<void> {
  let lastFailure = 'no reply';
  const refused = (reason: string) => new TargetError(`Milvus at ${shownAddress} refused the connection (${reason})`);
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      client.timeout = Math.max(100, deadline - Date.now());
      client.connect(MilvusClient.sdkInfo.version);
    }
    const outcome = await awaitHandshake(client, deadline - Date.now());
    if (outcome.ok) {
      // e.g. an unknown database or bad credentials come back as a Connect status, not a gRPC error
      const status = (outcome.reply as { status?: Parameters<typeof isSuccess>[0] } | undefined)?.status;
      if (status && !isSuccess(status)) throw refused(status.reason || String(status.error_code));
      return;
    }
    if ('error' in outcome) {
      lastFailure = describeFailure(outcome.error);
      if (!isTransient(outcome.error)) throw refused(lastFailure);
    }
    if (Date.now() + RETRY_PAUSE_MS >= deadline) {
      const seconds = Math.round(cfg.connectTimeoutMs / 100) / 10;
      throw new TargetError(`cannot reach Milvus at ${shownAddress} within ${seconds}s (${lastFailure})`);
    }
    await sleep(RETRY_PAUSE_MS);
  }
}

export async function connectTarget(cfg: TargetConfig, options: ConnectOptions = {}): Promise<TargetConnection> {
  const endpoint = targetEndpoint(cfg);
  const shownAddress = endpoint.address;
  const startMs = Date.now();
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  const client = createClient(cfg, endpoint, poolSize);
  try {
    await handshake(client, shownAddress, cfg, startMs + cfg.connectTimeoutMs);
  } catch (error) {
    // close() drains the pool, which waits for a handshake still in flight (bounded by its deadline)
    await Promise.race([client.closeConnection().catch(() => {}), sleep(1000)]);
    throw error;
  }
  client.timeout = CALL_TIMEOUT_MS;
  const serverVersion = await readServerVersion(client);
  const durationMs = Date.now() - startMs;
  let closed = false;
  return {
    client,
    address: shownAddress,
    endpoint,
    serverVersion,
    database: cfg.database ?? 'default',
    poolSize,
    connectStep: { step: 'connect', startMs, durationMs, detail: `${shownAddress}${serverVersion ? ` (server ${serverVersion})` : ''}` },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.closeConnection();
    },
  };
}
