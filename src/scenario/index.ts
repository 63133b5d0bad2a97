// Scenario and config: load files, validate every field at once, fill defaults, apply flag overrides.
export type * from '../model/scenario.js';
export type { ScenarioInput } from './scenario-schema.js';
export type { ConfigInput, ConfigEnv } from './config-schema.js';
export type { Validation } from './validate.js';
export type { LoadOptions } from './load.js';
export { defineConfig, defineScenario } from './define.js';
export { parseDuration, formatDuration } from './duration.js';
export { validateScenario, checkScenario, totalLoadMs } from './validate.js';
export { validateConfig, addressProblem, DEFAULT_DOCKER_SERVICES, DEFAULT_NAME_PATTERNS } from './config-schema.js';
export { withAllowed } from './problems.js';
export { loadScenario, loadConfig } from './load.js';
export { applyOverrides } from './overrides.js';
export { writeStarterFiles, shippedScenariosDir } from './starter.js';
export { scenarioJsonSchema, configJsonSchema } from './json-schema.js';
