// bench.config.ts: where the target is, the local cluster, workers, default SLOs and the fault backend.
import os from 'node:os';
import { z } from 'zod';
import type { BenchConfig, FaultBackendName, MilvusRole } from '../model/index.js';
import { duration, intField, MILVUS_ROLES, nonEmptyString } from './fields.js';
import { describe, errorMap, formatIssues, withAllowed } from './problems.js';
import type { Validation } from './validate.js';
import { ADDRESS_FORMS, isLocalAddress, isTargetAddress, notAnAddress } from '../model/address.js';

/** The one-line problem for an address that is not one, without credentials. */
export function addressProblem(address: unknown): string {
  if (typeof address === 'string') return notAnAddress(address);
  return withAllowed(address === undefined ? 'is required' : `${describe(address)} is not an address`, ADDRESS_FORMS);
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
      address: z
        .string({ error: (issue) => addressProblem(issue.input) })
        .refine(isTargetAddress, { error: (issue) => addressProblem(issue.input) })
        .default('local'),
      token: nonEmptyString().optional(),
      username: nonEmptyString().optional(),
      password: z.string().optional(),
      database: nonEmptyString().optional(),
      tls: z.boolean().default(false),
      connectTimeout: duration({ positive: true }).default(5_000),
      /** Prometheus /metrics URLs of the proxies/querynodes, scraped during the load (the local cluster's are found automatically) */
      metrics: z
        .array(z.url({ protocol: /^https?$/, error: (issue) => withAllowed(`${describe(issue.input)} is not a URL`, 'http(s) URLs such as "http://milvus-proxy:9091/metrics"') }))
        .optional(),
    })
    .prefault({}),
  local: z
    .strictObject({
      proxies: intField(1, 16).default(2),
      querynodes: intField(1, 16).default(2),
      port: intField(0, 65535, 'a TCP port, 0 for a free one').default(19530),
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
      // Both bounds are the local cluster's own (src/local/cluster.ts validateUp); checked here so `validate` says so.
      /** querynode session TTL: how long the coordinator waits for a heartbeat before declaring a querynode dead */
      sessionTtl: duration({ min: 200, max: 600_000 }).default(3_000),
      /** how long the supervisor waits before restarting a killed component */
      restartDelay: duration({ min: 0, max: 600_000 }).default(1_000),
      autoRestart: z.boolean().default(true),
    })
    .prefault({}),
  workers: intField(1, 64).optional(),
  reportDir: nonEmptyString().default('reports'),
  slo: z.record(z.string(), z.string({ error: (issue) => withAllowed(`${describe(issue.input)} is not a threshold string`, 'strings such as "<100ms", ">=0.95", "<0.1%" or "exact"') })).default({}),
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
          flavor: z.enum(['helm', 'operator']).optional(),
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
    return { value: null, errors: [`MILVUS_ADDRESS: ${addressProblem(resolvedTarget.address)}`] };
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
  return isLocalAddress(address) ? 'local' : 'none';
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
