// Picks the fault backend named by BenchConfig.faults.backend; each backend's module loads only when chosen.
import { UsageError } from '../errors.js';
import type { BenchConfig } from '../model/index.js';
import { assertFaultsSupported } from './plan.js';
import type { FaultBackend, FaultBackendContext } from './types.js';

async function instantiate(config: BenchConfig, context: FaultBackendContext): Promise<FaultBackend> {
  const { faults } = config;
  switch (faults.backend) {
    case 'process': {
      const { ProcessFaultBackend } = await import('./process.js');
      return new ProcessFaultBackend(faults.process, faults.allow);
    }
    case 'local': {
      if (!context.localCluster) {
        throw new UsageError("faults.backend 'local' needs the local cluster: set target.address to 'local'");
      }
      const { LocalFaultBackend } = await import('./local.js');
      return new LocalFaultBackend(context.localCluster);
    }
    case 'docker': {
      const { DockerFaultBackend } = await import('./docker.js');
      return new DockerFaultBackend(faults.docker, faults.allow);
    }
    case 'kubernetes': {
      const { KubernetesFaultBackend } = await import('./kubernetes.js');
      return new KubernetesFaultBackend(faults.kubernetes, faults.allow);
    }
    case 'chaos-mesh': {
      const { ChaosMeshFaultBackend } = await import('./chaos-mesh.js');
      return new ChaosMeshFaultBackend(faults.kubernetes, faults.allow);
    }
    case 'none':
      throw new UsageError("faults.backend is 'none' but the scenario schedules faults; set faults.backend to local, docker, kubernetes, chaos-mesh or process");
    default:
      throw new UsageError(`faults.backend '${String(faults.backend)}' is unknown; use local, docker, kubernetes, chaos-mesh or process`);
  }
}

export async function createFaultBackend(config: BenchConfig, context: FaultBackendContext = {}): Promise<FaultBackend> {
  const backend = await instantiate(config, context);
  if (context.faults) assertFaultsSupported(backend, context.faults);
  return backend;
}
