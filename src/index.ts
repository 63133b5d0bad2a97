// Public API for scenario and config files: `import { defineScenario, defineConfig } from 'milvus-bench'`.
export type * from './scenario/types.js';
