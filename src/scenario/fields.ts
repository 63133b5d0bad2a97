// Zod building blocks shared by the scenario and config schemas, each with the message users see.
import { z } from 'zod';
import { parseDuration } from './duration.js';

export const positiveInt = () => z.number().int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' });
export const nonNegativeInt = () => z.number().int({ error: 'must be an integer >= 0' }).nonnegative({ error: 'must be an integer >= 0' });
export const positiveNumber = () => z.number().positive({ error: 'must be a positive number' });
export const nonEmptyString = () => z.string().min(1, { error: 'must not be empty' });
export const paramRecord = () => z.record(z.string(), z.union([z.number(), z.string()]), { error: 'must be an object of numbers or strings' });

const DURATION_HELP = 'must be a duration such as "20s", "500ms", "1m" or a number of milliseconds';

/** A duration field ('20s' | 500) resolved to milliseconds; `min` is inclusive. */
export function duration(options: { min?: number; max?: number; positive?: boolean } = {}) {
  return z.union([z.string(), z.number()], { error: DURATION_HELP }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${DURATION_HELP} (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    const min = options.min ?? 0;
    if ((options.positive && ms <= 0) || ms < min || (options.max !== undefined && ms > options.max)) {
      const range = options.max !== undefined ? `between ${min} ms and ${options.max} ms` : options.positive ? 'longer than 0' : `at least ${min} ms`;
      ctx.addIssue({ code: 'custom', message: `must be ${range} (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    return ms;
  });
}

export const MILVUS_ROLES = [
  'proxy',
  'querynode',
  'datanode',
  'indexnode',
  'streamingnode',
  'coordinator',
  'standalone',
  'etcd',
  'minio',
  'pulsar',
] as const;
