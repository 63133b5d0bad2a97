// Is a real Milvus process serving? /healthz on its metrics port says "OK" once every role inside is healthy, and
// GetVersion over gRPC proves the proxy port answers Milvus's protocol (and names the server's version).
import * as grpc from '@grpc/grpc-js';
import { milvusServiceDefinition } from '../milvus-proto.js';

export async function healthzOk(metricsPort: number, timeoutMs = 1000): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${metricsPort}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return reply.ok && (await reply.text()).includes('OK');
  } catch {
    return false;
  }
}

/** Polls /healthz until OK; false when `timeoutMs` passes or `alive()` turns false (the process died). */
export async function waitHealthz(metricsPort: number, timeoutMs: number, alive: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    if (await healthzOk(metricsPort)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

let serviceClient: grpc.ServiceClientConstructor | undefined;

/** The server's version from GetVersion (e.g. "v2.3.5-lite"), or null when it does not answer within `timeoutMs`. */
export async function serverVersion(address: string, timeoutMs = 2000): Promise<string | null> {
  serviceClient ??= grpc.makeGenericClientConstructor(milvusServiceDefinition(), 'MilvusService');
  const client = new serviceClient(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string | null>((resolve) => {
      (client as unknown as Record<string, (req: object, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: Error | null, reply?: { version?: string; status?: { error_code?: string } }) => void) => void>).GetVersion!(
        {},
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error, reply) => resolve(!error && reply?.version ? reply.version : null),
      );
    });
  } finally {
    client.close();
  }
}
