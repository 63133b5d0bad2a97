// Typed identity helpers for scenario and config files, in the style of vitest's defineConfig.
import type { ConfigInput } from './config-schema.js';
import type { ScenarioInput } from './scenario-schema.js';

export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}

export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
