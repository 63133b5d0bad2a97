// Checks a LoadPlan before any thread or channel is started: one actionable line per problem.
import { UsageError } from '../errors.js';
import type { LoadPlan } from './types.js';

export function validatePlan(plan: LoadPlan): void {
  const problems: string[] = [];
  if (!Number.isInteger(plan.workers) || plan.workers < 1) problems.push(`load.workers must be a positive integer (got ${plan.workers})`);
  if (!Number.isFinite(plan.intervalMs) || plan.intervalMs < 100) problems.push(`load.intervalMs must be at least 100 (got ${plan.intervalMs})`);
  if (!plan.address) problems.push('load.address must be host:port');
  if (!Number.isInteger(plan.collection.dim) || plan.collection.dim < 1) problems.push(`load.collection.dim must be a positive integer`);
  else if (plan.queries.length < plan.collection.dim || plan.queries.length % plan.collection.dim !== 0) {
    problems.push(`load.queries must hold whole query vectors of dim ${plan.collection.dim} (got ${plan.queries.length} floats)`);
  }
  if (plan.phases.length === 0) problems.push('load.phases must name at least one phase');
  plan.phases.forEach((phase, i) => {
    const where = `phases[${i}] (${phase.name})`;
    if (!(phase.durationMs > 0)) problems.push(`${where}.durationMs must be positive`);
    if (!(phase.timeoutMs > 0)) problems.push(`${where}.timeoutMs must be positive`);
    if (phase.operations.length === 0) problems.push(`${where}.operations must list at least one operation`);
    if (phase.mode === 'closed' && !(Number.isInteger(phase.concurrency) && phase.concurrency >= 1)) {
      problems.push(`${where}.concurrency must be a positive integer`);
    }
    if (phase.mode === 'open') {
      if (!(phase.rate >= 0) || !((phase.rampTo ?? phase.rate) >= 0) || phase.rate + (phase.rampTo ?? phase.rate) <= 0) {
        problems.push(`${where}.rate must be positive (or ramp to a positive rate)`);
      }
      if (!(Number.isInteger(phase.maxInFlight) && phase.maxInFlight >= 1)) problems.push(`${where}.maxInFlight must be a positive integer`);
    }
  });
  if (problems.length > 0) throw new UsageError(problems.join('; '), problems);
}
