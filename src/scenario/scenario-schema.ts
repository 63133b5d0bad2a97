// What users write in a scenario file; defaults are filled here, cross-field rules live in validate.ts.
import { z } from 'zod';
import { FaultSchema } from './fault-schema.js';
import { duration, intField, nonEmptyString, nonNegativeInt, numberField, paramRecord, positiveInt, positiveNumber } from './fields.js';
import { MAX_DIM, MAX_NAME_LENGTH, MAX_NQ, MAX_SHARDS, MAX_TOP_K, MAX_VARCHAR_LENGTH } from './milvus-limits.js';
import { describe, withAllowed } from './problems.js';

/** A string matching `pattern`, with one message naming the rule. */
const patternString = (pattern: RegExp, rule: string, maxLength?: number) => {
  const error = (issue: { input?: unknown }) =>
    withAllowed(issue.input === undefined ? 'is required' : typeof issue.input === 'string' ? `${describe(issue.input)} is not a valid name` : `${describe(issue.input)} is not a string`, rule);
  const schema = z.string({ error }).regex(pattern, { error });
  return maxLength === undefined ? schema : schema.max(maxLength, { error: withAllowed('is too long', `at most ${maxLength} characters (Milvus proxy.maxNameLength)`) });
};
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const phaseName = patternString(NAME, 'a letter, then letters, digits, "_" and "-"');
const fieldName = (what: string) => patternString(/^[A-Za-z_][A-Za-z0-9_]*$/, `a ${what} name of letters, digits and "_", not starting with a digit`, MAX_NAME_LENGTH);

const ScalarFieldSchema = z.strictObject({
  name: fieldName('field'),
  type: z.enum(['int64', 'float', 'bool', 'varchar']),
  maxLength: intField(1, MAX_VARCHAR_LENGTH, 'Milvus VarChar max_length').optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  values: z.array(z.string()).min(1, { error: withAllowed('is empty', 'a list of at least one string') }).optional(),
});

const CollectionSchema = z.strictObject({
  name: fieldName('collection').default('milvus_bench'),
  dim: intField(1, MAX_DIM, 'Milvus 2.3 float vectors').default(128),
  metric: z.enum(['L2', 'IP', 'COSINE']).default('L2'),
  index: z
    .strictObject({
      type: z.enum(['FLAT', 'IVF_FLAT', 'HNSW', 'AUTOINDEX']).default('FLAT'),
      params: paramRecord().default({}),
    })
    .prefault({}),
  shards: intField(1, MAX_SHARDS, 'Milvus proxy.maxShardNum').default(1),
  replicas: positiveInt().default(1),
  scalars: z.array(ScalarFieldSchema).default([]),
  recreate: z.boolean().default(false),
  autoId: z.boolean().default(false),
});

// Either key, never both: an object with optional keys (not a union) so a mistake inside one names its own field.
const VECTOR_SOURCES = '{ random: { seed, distribution } } or { file: "vectors.npy" | "vectors.fvecs" }';
const VectorsSchema = z
  .strictObject(
    {
      random: z
        .strictObject({
          seed: numberField({ integer: true }).default(42),
          distribution: z.enum(['uniform', 'normal', 'clustered']).default('uniform'),
        })
        .optional(),
      file: z
        .string({ error: (issue) => withAllowed(`${describe(issue.input)} is not a file name`, 'a path ending in .npy or .fvecs') })
        .regex(/\.(npy|fvecs)$/i, { error: (issue) => withAllowed(`${describe(issue.input)} is not a .npy or .fvecs file`, 'a path ending in .npy or .fvecs') })
        .optional(),
    },
    { error: (issue) => withAllowed(`${describe(issue.input)} is not a vector source`, VECTOR_SOURCES) },
  )
  .superRefine((vectors, ctx) => {
    const count = (vectors.random ? 1 : 0) + (vectors.file !== undefined ? 1 : 0);
    if (count !== 1) ctx.addIssue({ code: 'custom', message: withAllowed(count === 0 ? 'names no source' : 'names both random and file', VECTOR_SOURCES) });
  });

const IngestSchema = z.strictObject({
  rows: nonNegativeInt().default(10_000),
  batchSize: positiveInt().default(1000),
  parallelBatches: positiveInt().default(2),
  vectors: VectorsSchema.prefault({ random: {} }),
  skip: z.boolean().default(false),
});

const SearchSchema = z.strictObject({
  nq: intField(1, MAX_NQ, 'Milvus quotaAndLimits.limits.nq').default(1),
  topK: intField(1, MAX_TOP_K, 'Milvus quotaAndLimits.limits.topK').default(10),
  params: paramRecord().default({}),
  filter: nonEmptyString().optional(),
  outputFields: z.array(z.string()).default([]),
});

const QuerySchema = z.strictObject({
  expr: nonEmptyString(),
  limit: intField(1, MAX_TOP_K, 'Milvus quotaAndLimits.limits.topK').default(10),
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
    if (kinds !== 1) {
      const problem = kinds === 0 ? 'has no search or query' : 'has both search and query';
      ctx.addIssue({ code: 'custom', message: withAllowed(problem, 'exactly one of search: { … } or query: { … }') });
    }
  });

const PhaseSchema = z
  .strictObject({
    name: phaseName.optional(),
    duration: duration({ positive: true }),
    concurrency: positiveInt().optional(),
    rate: positiveNumber().optional(),
    rampTo: positiveNumber().optional(),
    maxInFlight: positiveInt().optional(),
    operations: z.array(OperationSchema).min(1, { error: withAllowed('is empty', 'a list of at least one operation') }).prefault([{ search: {} }]),
    // Latencies are recorded in HDR histograms that end at 10 minutes (metrics/histogram.ts); longer would be clamped.
    timeout: duration({ positive: true, max: 600_000, why: 'latencies are recorded up to 10 minutes' }).default(5000),
    maxRequests: positiveInt().optional(),
  })
  .superRefine((phase, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (phase.concurrency === undefined && phase.rate === undefined) {
      problem('concurrency', withAllowed('is required when rate is not set', 'concurrency (closed loop) or rate (open loop, requests/s)'));
    }
    if (phase.concurrency !== undefined && phase.rate !== undefined) {
      problem('rate', withAllowed('cannot be combined with concurrency', 'either concurrency (closed loop) or rate (open loop)'));
    }
    if (phase.rate === undefined) {
      if (phase.rampTo !== undefined) problem('rampTo', withAllowed('is set without rate', 'rampTo only with rate (open loop)'));
      if (phase.maxInFlight !== undefined) problem('maxInFlight', withAllowed('is set without rate', 'maxInFlight only with rate (open loop)'));
    }
  });

export const ScenarioSchema = z.strictObject({
  name: nonEmptyString(),
  description: z.string().default(''),
  collection: CollectionSchema.prefault({}),
  ingest: IngestSchema.prefault({}),
  phases: z.array(PhaseSchema).min(1, { error: (issue) => withAllowed(issue.input === undefined ? 'is required' : 'is empty', 'a list of at least one phase { duration, concurrency | rate }') }),
  /** unmeasured load (the first phase's shape) after the collection is loaded and before the first measured phase */
  warmup: duration().default(3000),
  faults: z.array(FaultSchema).default([]),
  slo: z.record(z.string(), z.string({ error: (issue) => withAllowed(`${describe(issue.input)} is not a threshold string`, 'strings such as "<100ms", ">=0.95", "<0.1%" or "exact"') })).default({}),
  verify: z
    .strictObject({
      count: z.boolean().default(true),
      recallQueries: nonNegativeInt().default(100),
      /** primary keys looked up by query after the load; every one must be found */
      spotChecks: nonNegativeInt().default(20),
      /** delete this many known rows after the load and check they are gone and the count dropped by as many */
      deleteRows: nonNegativeInt().default(0),
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
