// JSON schemas of what users write (scenario files and bench.config.ts), for editors and external tools.
import { z } from 'zod';
import { ConfigSchema } from './config-schema.js';
import { ScenarioSchema } from './scenario-schema.js';

export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
