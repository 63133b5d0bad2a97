// Internal RPC between the local cluster's processes (proxy ↔ coordinator ↔ querynode): one unary gRPC method
// over persistent HTTP/2 channels; a frame is a JSON header plus an optional binary body (vectors stay binary).
import * as grpc from '@grpc/grpc-js';

export interface Frame {
  header: Record<string, unknown>;
  body?: Buffer;
}

export type FrameHandler = (request: Frame) => Promise<Frame>;

/** A failure the callee reports (as opposed to an unreachable callee). */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** A replacer runs per value; most headers have no bigint, so try without one first (JSON throws on a bigint). */
function stringifyHeader(header: Record<string, unknown>): string {
  try {
    return JSON.stringify(header);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(header, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  }
}

export function encodeFrame(frame: Frame): Buffer {
  const json = Buffer.from(stringifyHeader(frame.header));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(json.length, 0);
  return Buffer.concat(frame.body ? [head, json, frame.body] : [head, json]);
}

const BIGINT_TEXT = /"-?\d+n"/;
const reviveBigInt = (_k: string, v: unknown): unknown => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);

export function decodeFrame(bytes: Buffer): Frame {
  const length = bytes.readUInt32LE(0);
  const json = bytes.subarray(4, 4 + length).toString();
  // The reviver runs per value: only headers that carry an encoded bigint pay for it (search replies do not).
  const header = (BIGINT_TEXT.test(json) ? JSON.parse(json, reviveBigInt) : JSON.parse(json)) as Record<string, unknown>;
  const body = bytes.length > 4 + length ? bytes.subarray(4 + length) : undefined;
  return body ? { header, body } : { header };
}

const callMethod: grpc.MethodDefinition<Frame, Frame> = {
  path: '/local.Internal/Call',
  requestStream: false,
  responseStream: false,
  requestSerialize: encodeFrame,
  requestDeserialize: decodeFrame,
  responseSerialize: encodeFrame,
  responseDeserialize: decodeFrame,
};
const internalService: grpc.ServiceDefinition = { Call: callMethod };

export function addInternalService(server: grpc.Server, handler: FrameHandler): void {
  server.addService(internalService, {
    Call: (call: grpc.ServerUnaryCall<Frame, Frame>, callback: grpc.sendUnaryData<Frame>) => {
      handler(call.request).then(
        (reply) => callback(null, reply),
        (error: unknown) => {
          const code = error instanceof RemoteError ? error.code : ((error as { code?: string }).code ?? 'internal');
          callback(null, { header: { error: { code: String(code), message: (error as Error).message ?? String(error) } } });
        },
      );
    },
  });
}

const Client = grpc.makeGenericClientConstructor(internalService, 'Internal');

/** Internal messages carry whole insert batches (a 10 000 × 128 batch is 5.3 MB): far above grpc-js's 4 MB default. */
const INTERNAL_MESSAGE_BYTES = 512 * 1024 * 1024;
export const INTERNAL_SERVER_OPTIONS: grpc.ServerOptions = { 'grpc.max_receive_message_length': INTERNAL_MESSAGE_BYTES, 'grpc.max_send_message_length': INTERNAL_MESSAGE_BYTES };

/** One persistent channel per address; fails fast (no wait-for-ready) so callers can try another replica. */
export class InternalClient {
  private readonly client: grpc.Client;

  constructor(readonly address: string) {
    this.client = new Client(address, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
      'grpc.max_receive_message_length': INTERNAL_MESSAGE_BYTES,
      'grpc.max_send_message_length': INTERNAL_MESSAGE_BYTES,
    });
  }

  call(header: Record<string, unknown>, body?: Buffer, timeoutMs = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const request: Frame = body ? { header, body } : { header };
      this.client.makeUnaryRequest(callMethod.path, encodeFrame, decodeFrame, request, { deadline: Date.now() + timeoutMs }, (error, reply) => {
        // A message over a size limit is the request's fault, not a dead peer: never report it as "unavailable".
        if (error?.code === grpc.status.RESOURCE_EXHAUSTED) return reject(new RemoteError('invalid_argument', `internal call to ${this.address}: ${error.details}`));
        if (error) return reject(error);
        const failure = reply!.header.error as { code: string; message: string } | undefined;
        if (failure) return reject(new RemoteError(failure.code, failure.message));
        resolve(reply!);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}

export function isUnreachable(error: unknown): boolean {
  return !(error instanceof RemoteError);
}

export async function listen(server: grpc.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
}
