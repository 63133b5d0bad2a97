// A gRPC channel owned by the load (not the SDK's pool): pre-encoded bytes in, raw bytes out,
// SDK-like metadata, fast reconnect after a proxy restart, no retries, one deadline per request.
import * as grpc from '@grpc/grpc-js';
import type { ErrorKind } from '../metrics/index.js';
import type { TargetEndpoint } from '../model/address.js';
import { SERVICE_PATH } from './protocol.js';

/** host:port (no scheme, no credentials), TLS and credentials as the address module resolved them */
export type ChannelTarget = Omit<TargetEndpoint, 'display'>;

// a target that comes back is seen within ~100 ms: the reconnect backoff bounds how late a recovery is measured
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 50,
  'grpc.min_reconnect_backoff_ms': 50,
  'grpc.max_reconnect_backoff_ms': 100,
  'grpc.enable_retries': 0,
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  // each channel gets its own connection instead of sharing one subchannel per thread
  'grpc.use_local_subchannel_pool': 1,
};

/** the same authorization value the SDK's getAuthString produces */
export function authorizationFor(target: Pick<ChannelTarget, 'token' | 'username' | 'password'>): string {
  if (target.token) return Buffer.from(target.token, 'utf-8').toString('base64');
  if (target.username && target.password) return Buffer.from(`${target.username}:${target.password}`, 'utf-8').toString('base64');
  return '';
}

const passthrough = (bytes: Buffer) => bytes;

export type CallResult = { bytes: Buffer } | { error: grpc.ServiceError };

export class MilvusChannel {
  private readonly client: grpc.Client;
  private readonly metadata = new grpc.Metadata();

  constructor(target: ChannelTarget) {
    const credentials = target.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    this.client = new grpc.Client(target.address, credentials, CHANNEL_OPTIONS);
    const auth = authorizationFor(target);
    if (auth) this.metadata.set('authorization', auth);
    this.metadata.set('dbname', target.database || 'default');
  }

  /** Sends pre-encoded request bytes; the callback gets the raw reply bytes or the gRPC error. */
  call(method: string, request: Buffer, timeoutMs: number, done: (result: CallResult) => void): grpc.ClientUnaryCall {
    return this.client.makeUnaryRequest(
      SERVICE_PATH + method,
      passthrough,
      passthrough,
      request,
      this.metadata,
      { deadline: Date.now() + timeoutMs },
      (error, reply) => done(error ? { error } : { bytes: reply ?? Buffer.alloc(0) }),
    );
  }

  callAsync(method: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.call(method, request, timeoutMs, (result) => ('error' in result ? reject(result.error) : resolve(result.bytes)));
    });
  }

  /** resolves once connected, or after `timeoutMs` either way (a target down at phase start is measured, not awaited) */
  connect(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => this.client.waitForReady(Date.now() + timeoutMs, (error) => resolve(!error)));
  }

  close(): void {
    this.client.close();
  }
}

export type FailureClass = { outcome: 'timeout' } | { outcome: 'error'; kind: ErrorKind };

export function classifyGrpcError(error: grpc.ServiceError): FailureClass {
  switch (error.code) {
    case grpc.status.DEADLINE_EXCEEDED:
      return { outcome: 'timeout' };
    case grpc.status.UNAVAILABLE:
      return { outcome: 'error', kind: 'unavailable' };
    case grpc.status.CANCELLED:
      return { outcome: 'error', kind: 'cancelled' };
    default:
      return { outcome: 'error', kind: /ECONNREFUSED|ECONNRESET|connection/i.test(error.details ?? '') ? 'unavailable' : 'other' };
  }
}
