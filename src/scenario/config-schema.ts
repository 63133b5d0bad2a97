// bench.config.ts: where the target is, the local cluster, workers, default SLOs and the fault backend.
import os from 'node:os';
import { z } from 'zod';
import type { BenchConfig, FaultBackendName, MilvusRole } from './types.js';
import { duration, MILVUS_ROLES, nonEmptyString, positiveInt } from './fields.js';
import { errorMap, formatIssues } from './problems.js';
import type { Validation } from './validate.js';

const ADDRESS = /^(local|https?:\/\/([^\s/@]+@)?[^\s/:@]+(:\d{1,5})?\/?|[^\s/:@]+:\d{1,5})$/;

/** user:password@ in an address never reaches a message or a report. */
export function redactAddress(address: string): string {
  return address.replace(/\/\/[^/@]*@/, '//***@');
}
/** 'local', host:port or http(s)://host[:port]. */
export function isTargetAddress(address: string): boolean {
  return ADDRESS.test(address);
}
const roleMap = () => z.partialRecord(z.enum(MILVUS_ROLES), z.string());

/** Service names in Milvus's docker-compose files (milvus-standalone and the cluster compose). */
export const DEFAULT_DOCKER_SERVICES: Partial<Record<MilvusRole, string>> = Object.fromEntries(
  MILVUS_ROLES.map((role) => [role, role === 'coordinator' ? 'mixcoord' : role]),
);
/** Container names such as `milvus-querynode-1` or `milvus_querynode_2` when no compose project is given. */
export const DEFAULT_NAME_PATTERNS: Partial<Record<MilvusRole, string>> = Object.fromEntries(
  MILVUS_ROLES.map((role) => [role, `(^|[-_])${role === 'coordinator' ? '(mixcoord|rootcoord)' : role}([-_]\\d+)?$`]),
);

export const ConfigSchema = z.strictObject({
  target: z
    .strictObject({
      address: z.string().regex(ADDRESS, { error: 'must be "local", host:port or http(s)://host[:port]' }).default('local'),
      token: nonEmptyString().optional(),
      username: nonEmptyString().optional(),
      password: z.string().optional(),
      database: nonEmptyString().optional(),
      tls: z.boolean().default(false),
      connectTimeout: duration({ positive: true }).default(5_000),
      /** Prometheus /metrics URLs of the proxies/querynodes, scraped during the load (the local cluster's are found automatically) */
      metrics: z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://milvus-proxy:9091/metrics' })).optional(),
    })
    .prefault({}),
  local: z
    .strictObject({
      proxies: positiveInt().max(16, { error: 'must be <= 16' }).default(2),
      querynodes: positiveInt().max(16, { error: 'must be <= 16' }).default(2),
      port: z.number().int().min(0).max(65535, { error: 'must be a port number 0..65535' }).default(19530),
      dataDir: nonEmptyString().default('.milvus-bench/local'),
      runtime: z.enum(['process', 'docker']).default('process'),
      /** 'milvus': the real Milvus binary (pip install milvus) instead of the look-alike test cluster */
      engine: z.enum(['builtin', 'milvus']).default('builtin'),
      /** engine milvus: 'cluster' runs etcd, Kafka and one process per Milvus role behind the balancer */
      topology: z.enum(['standalone', 'cluster']).default('standalone'),
      /** engine milvus: the milvus-server script of `pip install milvus` (default: the one on PATH) */
      milvusBin: nonEmptyString().optional(),
      image: nonEmptyString().optional(),
      project: nonEmptyString().optional(),
      /** querynode session TTL: how long the coordinator waits for a heartbeat before declaring a querynode dead */
      sessionTtl: duration({ positive: true }).default(3_000),
      /** how long the supervisor waits before restarting a killed component */
      restartDelay: duration({ positive: false }).default(1_000),
      autoRestart: z.boolean().default(true),
    })
    .prefault({}),
  workers: positiveInt().max(64, { error: 'must be <= 64' }).optional(),
  reportDir: nonEmptyString().default('reports'),
  slo: z.record(z.string(), z.string({ error: 'must be a threshold string such as "<100ms"' })).default({}),
  faults: z
    .strictObject({
      backend: z.enum(['local', 'docker', 'kubernetes', 'chaos-mesh', 'process', 'none']).optional(),
      allow: z.array(nonEmptyString()).default([]),
      docker: z
        .strictObject({
          socketPath: nonEmptyString().optional(),
          project: nonEmptyString().optional(),
          services: roleMap().default({}),
          namePatterns: roleMap().default({}),
          network: nonEmptyString().optional(),
        })
        .prefault({}),
      kubernetes: z
        .strictObject({
          kubeconfig: nonEmptyString().optional(),
          context: nonEmptyString().optional(),
          namespace: nonEmptyString().default('default'),
          instance: nonEmptyString().default('milvus'),
          selectors: roleMap().default({}),
        })
        .prefault({}),
      process: z.strictObject({ patterns: roleMap().default({}) }).prefault({}),
    })
    .prefault({}),
});

/** What bench.config.ts exports: every key optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Secrets and the address may come from the environment; they win over the file. */
export type ConfigEnv = Partial<Record<'MILVUS_ADDRESS' | 'MILVUS_TOKEN' | 'MILVUS_USER' | 'MILVUS_PASSWORD' | 'MILVUS_DATABASE', string>>;

/** Pure: parse a config object (or undefined for "no file") into a resolved BenchConfig. */
export function validateConfig(input: unknown, file: string | undefined, env: ConfigEnv = {}): Validation<BenchConfig> {
  const parsed = ConfigSchema.safeParse(input ?? {}, { reportInput: true, error: errorMap });
  if (!parsed.success) return { value: null, errors: formatIssues('config', parsed.error.issues) };
  const { target, faults, workers, local, ...rest } = parsed.data;
  const { sessionTtl, restartDelay, ...localRest } = local;
  const resolvedTarget = { ...target, connectTimeoutMs: target.connectTimeout };
  delete (resolvedTarget as { connectTimeout?: number }).connectTimeout;
  applyEnv(resolvedTarget, env);
  if (!isTargetAddress(resolvedTarget.address)) {
    return { value: null, errors: [`MILVUS_ADDRESS: must be "local", host:port or http(s)://host[:port] (got "${redactAddress(resolvedTarget.address)}")`] };
  }
  const config: BenchConfig = {
    ...rest,
    local: { ...localRest, sessionTtlMs: sessionTtl, restartDelayMs: restartDelay },
    target: resolvedTarget,
    workers: workers ?? defaultWorkers(),
    faults: {
      ...faults,
      backend: faults.backend ?? defaultFaultBackend(resolvedTarget.address),
      docker: {
        ...faults.docker,
        services: { ...DEFAULT_DOCKER_SERVICES, ...faults.docker.services },
        namePatterns: { ...DEFAULT_NAME_PATTERNS, ...faults.docker.namePatterns },
      },
    },
    ...(file !== undefined ? { file } : {}),
  };
  return { value: config, errors: [] };
}

export function defaultFaultBackend(address: string): FaultBackendName {
  return address === 'local' ? 'local' : 'none';
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

function applyEnv(target: BenchConfig['target'], env: ConfigEnv): void {
  if (env.MILVUS_ADDRESS) target.address = env.MILVUS_ADDRESS;
  if (env.MILVUS_TOKEN) target.token = env.MILVUS_TOKEN;
  if (env.MILVUS_USER) target.username = env.MILVUS_USER;
  if (env.MILVUS_PASSWORD) target.password = env.MILVUS_PASSWORD;
  if (env.MILVUS_DATABASE) target.database = env.MILVUS_DATABASE;
}
