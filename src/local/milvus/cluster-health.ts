// Is a component ready? Look-alike components and Milvus roles answer /healthz on their metrics port; etcd answers
// /health on its client port; Kafka has no HTTP endpoint, so a TCP connect to its broker port has to do.
import { connect } from 'node:net';
import type { HealthCheck } from '../layout.js';

const PROBE_TIMEOUT_MS = 1000;

export async function probeHealth(component: { metricsPort: number; health?: HealthCheck }): Promise<boolean> {
  const check = component.health ?? { http: '/healthz', port: component.metricsPort };
  if ('tcp' in check) return tcpOpen(check.tcp);
  try {
    return (await fetch(`http://127.0.0.1:${check.port}${check.http}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).ok;
  } catch {
    return false;
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
