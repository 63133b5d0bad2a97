// Public API for scenario and config files: `import { defineScenario, defineConfig } from 'milvus-bench'`.
export type * from './model/scenario.js';
export type { ScenarioInput, ConfigInput } from './scenario/index.js';
export { defineScenario, defineConfig } from './scenario/define.js';
