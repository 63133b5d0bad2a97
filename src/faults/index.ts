// Fault injection: one FaultBackend interface, five backends, the runner that schedules faults during the load.
export type {
  FaultBackend,
  FaultBackendContext,
  FaultEvent,
  FaultRecord,
  FaultTargetRef,
  InjectedFault,
  LocalClusterControl,
  LocalComponent,
  RecoveryObservation,
} from './types.js';
export { createFaultBackend } from './create.js';
export { FaultRunner, type FaultRunnerOptions } from './runner.js';
export { describePlan, expandOccurrences, assertFaultsSupported, type FaultOccurrence } from './plan.js';
export { pickTargets, PickError } from './pick.js';
