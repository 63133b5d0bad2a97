// The `faults` list of a scenario: what to break, when, and for how long.
import { z } from 'zod';
import { duration, MILVUS_ROLES, nonEmptyString, positiveInt } from './fields.js';
import { describe, withAllowed } from './problems.js';

export const FAULT_ACTIONS = ['kill', 'stop', 'start', 'restart', 'pause', 'partition', 'delay', 'exec'] as const;
const NEEDS_REVERT = new Set(['pause', 'partition', 'delay']);
const PERCENT = /^(\d+(?:\.\d+)?)%$/;
const PICKS = '"one", "all", a count such as 2, a percentage such as "50%" or an exact name such as "querynode-1"';

const pick = z
  .union([z.string(), z.number()], { error: (issue) => withAllowed(`${describe(issue.input)} is not a pick`, PICKS) })
  .superRefine((value, ctx) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value <= 0) ctx.addIssue({ code: 'custom', message: withAllowed(`${value} is not a count`, PICKS) });
      return;
    }
    const percent = PERCENT.exec(value);
    if (percent && (Number(percent[1]) <= 0 || Number(percent[1]) > 100)) {
      ctx.addIssue({ code: 'custom', message: withAllowed(`"${value}" is out of range`, 'percentages from "1%" to "100%"') });
    } else if (value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: withAllowed('is empty', PICKS) });
    }
  });

const lossPercent = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const number = typeof value === 'number' ? value : Number(PERCENT.exec(value)?.[1] ?? NaN);
  if (!Number.isFinite(number) || number < 0 || number > 100) {
    ctx.addIssue({ code: 'custom', message: withAllowed(`${describe(value)} is not a loss percentage`, 'percentages from "0%" to "100%" such as "10%", or numbers 0..100') });
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
    signal: z
      .string({ error: (issue) => withAllowed(`${describe(issue.input)} is not a signal name`, 'signal names such as "SIGKILL", "SIGTERM", "SIGINT"') })
      .regex(/^SIG[A-Z0-9]+$/, { error: (issue) => withAllowed(`${describe(issue.input)} is not a signal name`, 'signal names such as "SIGKILL", "SIGTERM", "SIGINT"') })
      .optional(),
    latency: duration({ positive: true }).optional(),
    jitter: duration().optional(),
    loss: lossPercent.optional(),
    command: nonEmptyString().optional(),
    revertCommand: nonEmptyString().optional(),
  })
  .superRefine((fault, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (NEEDS_REVERT.has(fault.action) && fault.revertAfter === undefined) {
      problem('revertAfter', withAllowed(`is required for action "${fault.action}"`, 'a duration such as "10s": how long the fault lasts'));
    }
    if (fault.action === 'exec' && fault.command === undefined) problem('command', withAllowed('is required for action "exec"', 'a shell command string'));
    if (fault.action !== 'exec' && fault.command !== undefined) problem('command', withAllowed(`is set for action "${fault.action}"`, 'command only with action "exec"'));
    if (fault.action !== 'exec' && fault.revertCommand !== undefined) problem('revertCommand', withAllowed(`is set for action "${fault.action}"`, 'revertCommand only with action "exec"'));
    if (fault.action === 'delay' && fault.latency === undefined && fault.loss === undefined) {
      problem('latency', withAllowed('is required for action "delay"', 'latency such as "100ms", or loss such as "10%"'));
    }
    for (const key of ['latency', 'jitter', 'loss'] as const) {
      if (fault.action !== 'delay' && fault[key] !== undefined) problem(key, withAllowed(`is set for action "${fault.action}"`, `${key} only with action "delay"`));
    }
    if (fault.signal !== undefined && fault.action !== 'kill' && fault.action !== 'stop') {
      problem('signal', withAllowed(`is set for action "${fault.action}"`, 'signal only with actions "kill" and "stop"'));
    }
  });

export type FaultInput = z.input<typeof FaultSchema>;
export type ParsedFault = z.output<typeof FaultSchema>;
