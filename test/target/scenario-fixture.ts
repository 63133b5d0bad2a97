// A complete, valid Scenario for target-stage tests; each test states only what it changes.
import type { Scenario } from '../../src/model/index.js';

export interface ScenarioChanges {
  collection?: Partial<Scenario['collection']>;
  ingest?: Partial<Scenario['ingest']>;
  phases?: Scenario['phases'];
  verify?: Partial<Scenario['verify']>;
}

export function testScenario(changes: ScenarioChanges = {}): Scenario {
  return {
    name: 'target-test',
    description: '',
    collection: {
      name: 'target_test',
      dim: 16,
      metric: 'L2',
      index: { type: 'FLAT', params: {} },
      shards: 1,
      replicas: 1,
      scalars: [],
      recreate: false,
      autoId: false,
      ...changes.collection,
    },
    ingest: { rows: 1000, batchSize: 100, parallelBatches: 2, vectors: { kind: 'random', seed: 42, distribution: 'uniform' }, skip: false, ...changes.ingest },
    phases: changes.phases ?? [],
    faults: [],
    slo: {},
    warmupMs: 0,
    verify: { count: true, recallQueries: 10, spotChecks: 0, deleteRows: 0, ...changes.verify },
    metrics: { intervalMs: 1000, recoverySuccesses: 3 },
    availability: { slowMs: 1000 },
    recovery: { windowMs: 1000 },
    file: '/tmp/target-test.ts',
  };
}
