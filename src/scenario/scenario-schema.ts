// What users write in a scenario file; defaults are filled here, cross-field rules live in validate.ts.
import { z } from 'zod';
import { FaultSchema } from './fault-schema.js';
import { duration, nonEmptyString, nonNegativeInt, paramRecord, positiveInt, positiveNumber } from './fields.js';

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const phaseName = z.string().regex(NAME, { error: 'must start with a letter and use only letters, digits, "_" and "-"' });

const ScalarFieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a valid field name (letters, digits, "_")' }),
  type: z.enum(['int64', 'float', 'bool', 'varchar']),
  maxLength: positiveInt().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  values: z.array(z.string()).min(1, { error: 'must list at least one value' }).optional(),
});

const CollectionSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a valid collection name (letters, digits, "_")' }).default('milvus_bench'),
  dim: positiveInt().max(32768, { error: 'must be <= 32768' }).default(128),
  metric: z.enum(['L2', 'IP', 'COSINE']).default('L2'),
  index: z
    .strictObject({
      type: z.enum(['FLAT', 'IVF_FLAT', 'HNSW', 'AUTOINDEX']).default('FLAT'),
      params: paramRecord().default({}),
    })
    .prefault({}),
  shards: positiveInt().max(64, { error: 'must be <= 64' }).default(1),
  replicas: positiveInt().default(1),
  scalars: z.array(ScalarFieldSchema).default([]),
  recreate: z.boolean().default(false),
  autoId: z.boolean().default(false),
});

const VectorsSchema = z.union(
  [
    z.strictObject({
      random: z
        .strictObject({
          seed: z.number().int({ error: 'must be an integer' }).default(42),
          distribution: z.enum(['uniform', 'normal', 'clustered']).default('uniform'),
        })
        .prefault({}),
    }),
    z.strictObject({
      file: z.string().regex(/\.(npy|fvecs)$/i, { error: 'must name a .npy or .fvecs file' }),
    }),
  ],
  { error: 'must be { random: { seed, distribution } } or { file: "vectors.npy" | "vectors.fvecs" }' },
);

const IngestSchema = z.strictObject({
  rows: nonNegativeInt().default(10_000),
  batchSize: positiveInt().default(1000),
  parallelBatches: positiveInt().default(2),
  vectors: VectorsSchema.prefault({ random: {} }),
  skip: z.boolean().default(false),
});

const SearchSchema = z.strictObject({
  nq: positiveInt().default(1),
  topK: positiveInt().max(16384, { error: 'must be <= 16384' }).default(10),
  params: paramRecord().default({}),
  filter: nonEmptyString().optional(),
  outputFields: z.array(z.string()).default([]),
});

const QuerySchema = z.strictObject({
  expr: nonEmptyString(),
  limit: positiveInt().default(10),
  outputFields: z.array(z.string()).default([]),
});

const OperationSchema = z
  .strictObject({
    search: SearchSchema.optional(),
    query: QuerySchema.optional(),
    weight: positiveNumber().default(1),
  })
  .superRefine((operation, ctx) => {
    const kinds = (operation.search ? 1 : 0) + (operation.query ? 1 : 0);
    if (kinds !== 1) ctx.addIssue({ code: 'custom', message: 'must have exactly one of search: {…} or query: {…}' });
  });

const PhaseSchema = z
  .strictObject({
    name: phaseName.optional(),
    duration: duration({ positive: true }),
    concurrency: positiveInt().optional(),
    rate: positiveNumber().optional(),
    rampTo: positiveNumber().optional(),
    maxInFlight: positiveInt().optional(),
    operations: z.array(OperationSchema).min(1, { error: 'must list at least one operation' }).prefault([{ search: {} }]),
    timeout: duration({ positive: true }).default(5000),
    maxRequests: positiveInt().optional(),
  })
  .superRefine((phase, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (phase.concurrency === undefined && phase.rate === undefined) {
      problem('concurrency', 'set either concurrency (closed loop) or rate (open loop, requests/s)');
    }
    if (phase.concurrency !== undefined && phase.rate !== undefined) {
      problem('rate', 'cannot be combined with concurrency: a phase is either closed loop (concurrency) or open loop (rate)');
    }
    if (phase.rate === undefined) {
      if (phase.rampTo !== undefined) problem('rampTo', 'is only allowed with rate (open loop)');
      if (phase.maxInFlight !== undefined) problem('maxInFlight', 'is only allowed with rate (open loop)');
    }
  });

export const ScenarioSchema = z.strictObject({
  name: nonEmptyString(),
  description: z.string().default(''),
  collection: CollectionSchema.prefault({}),
  ingest: IngestSchema.prefault({}),
  phases: z.array(PhaseSchema).min(1, { error: 'must list at least one phase' }),
  faults: z.array(FaultSchema).default([]),
  slo: z.record(z.string(), z.string({ error: 'must be a threshold string such as "<100ms"' })).default({}),
  verify: z
    .strictObject({
      count: z.boolean().default(true),
      recallQueries: nonNegativeInt().default(100),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      interval: duration({ min: 100, max: 60_000 }).default(1000),
      /** kept from before recovery.windowMs: the fewest good requests a recovery window must hold */
      recoverySuccesses: positiveInt().default(3),
    })
    .prefault({}),
  availability: z.strictObject({ slowMs: duration({ positive: true }).default(1000) }).prefault({}),
  recovery: z.strictObject({ windowMs: duration({ min: 100, max: 600_000 }).default(1000) }).prefault({}),
});

/** What a scenario file exports: every default optional, durations as '20s' or ms. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ParsedScenario = z.output<typeof ScenarioSchema>;
export type ParsedPhase = ParsedScenario['phases'][number];
