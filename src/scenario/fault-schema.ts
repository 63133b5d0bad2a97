// The `faults` list of a scenario: what to break, when, and for how long.
import { z } from 'zod';
import { duration, MILVUS_ROLES, nonEmptyString, positiveInt } from './fields.js';

export const FAULT_ACTIONS = ['kill', 'stop', 'start', 'restart', 'pause', 'partition', 'delay', 'exec'] as const;
const NEEDS_REVERT = new Set(['pause', 'partition', 'delay']);
const PERCENT = /^(\d+(?:\.\d+)?)%$/;

const pick = z
  .union([z.string(), z.number()], { error: 'must be "one", "all", a count, a percentage like "50%" or an exact name' })
  .superRefine((value, ctx) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value <= 0) ctx.addIssue({ code: 'custom', message: `must be a positive integer count (got ${value})` });
      return;
    }
    const percent = PERCENT.exec(value);
    if (percent && (Number(percent[1]) <= 0 || Number(percent[1]) > 100)) {
      ctx.addIssue({ code: 'custom', message: `must be a percentage in (0%, 100%] (got "${value}")` });
    } else if (value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'must be "one", "all", a count, a percentage like "50%" or an exact name' });
    }
  });

const lossPercent = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const number = typeof value === 'number' ? value : Number(PERCENT.exec(value)?.[1] ?? NaN);
  if (!Number.isFinite(number) || number < 0 || number > 100) {
    ctx.addIssue({ code: 'custom', message: `must be a percentage between 0 and 100 such as "10%" (got ${JSON.stringify(value)})` });
    return z.NEVER;
  }
  return number;
});

export const FaultSchema = z
  .strictObject({
    at: duration(),
    action: z.enum(FAULT_ACTIONS),
    target: z.strictObject({
      role: z.enum(MILVUS_ROLES),
      pick: pick.default('one'),
    }),
    revertAfter: duration({ positive: true }).optional(),
    repeat: z
      .strictObject({
        every: duration({ positive: true }),
        times: positiveInt(),
      })
      .optional(),
    signal: z.string().regex(/^SIG[A-Z0-9]+$/, { error: 'must be a signal name such as "SIGKILL" or "SIGTERM"' }).optional(),
    latency: duration({ positive: true }).optional(),
    jitter: duration().optional(),
    loss: lossPercent.optional(),
    command: nonEmptyString().optional(),
    revertCommand: nonEmptyString().optional(),
  })
  .superRefine((fault, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (NEEDS_REVERT.has(fault.action) && fault.revertAfter === undefined) {
      problem('revertAfter', `is required for action "${fault.action}" (how long the fault lasts, e.g. "10s")`);
    }
    if (fault.action === 'exec' && fault.command === undefined) problem('command', 'is required for action "exec"');
    if (fault.action !== 'exec' && fault.command !== undefined) problem('command', 'is only allowed with action "exec"');
    if (fault.action !== 'exec' && fault.revertCommand !== undefined) problem('revertCommand', 'is only allowed with action "exec"');
    if (fault.action === 'delay' && fault.latency === undefined && fault.loss === undefined) {
      problem('latency', 'is required for action "delay" (or set loss)');
    }
    for (const key of ['latency', 'jitter', 'loss'] as const) {
      if (fault.action !== 'delay' && fault[key] !== undefined) problem(key, 'is only allowed with action "delay"');
    }
    if (fault.signal !== undefined && fault.action !== 'kill' && fault.action !== 'stop') {
      problem('signal', 'is only allowed with actions "kill" and "stop"');
    }
  });

export type FaultInput = z.input<typeof FaultSchema>;
export type ParsedFault = z.output<typeof FaultSchema>;
