// The docker backend: containers found by Compose labels (project + service) or by name pattern, driven through
// the Engine API (dockerode): kill, stop/start, restart, pause/unpause, network disconnect/connect.
import Docker from 'dockerode';
import { TargetError, UsageError } from '../errors.js';
import type { DockerFaultConfig, FaultAction, FaultSpec, MilvusRole } from '../model/index.js';
import { CandidateBackend } from './base.js';
import { errorText, MILVUS_COMPONENT_NAMES, PartialInjectionError, pollUntil, settleEach } from './common.js';
import type { FaultTargetRef, InjectedFault, RecoveryObservation } from './types.js';

/** allow entry that permits name-pattern matching across the whole engine when no compose project is set */
export const DOCKER_ANY_PROJECT_SCOPE = 'docker';

// Service and container names used by Milvus's docker-compose files.
const DEFAULT_SERVICES: Record<MilvusRole, string> = {
  ...MILVUS_COMPONENT_NAMES,
  etcd: 'etcd',
  minio: 'minio',
  pulsar: 'pulsar',
};
const defaultNamePattern = (role: MilvusRole) => (role === 'coordinator' ? '^milvus-(mixcoord|rootcoord)' : `^milvus-${role}`);

interface NetworkLink {
  network: string;
  aliases: string[];
}
interface DockerRevertState {
  ids: string[];
  /** partition: the networks each container was disconnected from */
  links?: Record<string, NetworkLink[]>;
}

export class DockerFaultBackend extends CandidateBackend {
  readonly name = 'docker';
  protected readonly actions = new Set<FaultAction>(['kill', 'stop', 'start', 'restart', 'pause', 'partition']);
  protected readonly unsupportedHint =
    'delay needs tc/netem inside the containers and this backend does not install it; use the chaos-mesh backend, or exec with your own tc command';
  private readonly docker: Docker;

  constructor(
    private readonly config: DockerFaultConfig,
    private readonly allow: string[],
  ) {
    super();
    this.docker = new Docker(config.socketPath ? { socketPath: config.socketPath } : undefined);
  }

  describe(): string {
    const engine = this.config.socketPath ?? 'the default Docker socket';
    return this.config.project ? `compose project '${this.config.project}' on ${engine}` : `containers by name pattern on ${engine}`;
  }

  async preflight(): Promise<void> {
    const scope = this.config.project ?? DOCKER_ANY_PROJECT_SCOPE;
    if (!this.allow.includes(scope)) {
      const what = this.config.project ? `compose project '${scope}'` : `'${scope}' (no faults.docker.project is set, so containers are matched by name on the whole engine)`;
      throw new UsageError(`faults.allow must contain ${what} before the docker backend may touch containers (faults.allow is [${this.allow.join(', ')}])`);
    }
    try {
      await this.docker.ping();
    } catch (error) {
      throw new TargetError(`the Docker Engine at ${this.config.socketPath ?? 'the default socket'} does not answer: ${errorText(error)}`);
    }
  }

  private async listRole(role: MilvusRole): Promise<Docker.ContainerInfo[]> {
    const { project } = this.config;
    if (project) {
      const service = this.config.services[role] ?? DEFAULT_SERVICES[role];
      const label = [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`];
      return this.docker.listContainers({ all: true, filters: { label } });
    }
    const pattern = new RegExp(this.config.namePatterns[role] ?? defaultNamePattern(role));
    const all = await this.docker.listContainers({ all: true });
    return all.filter((c) => c.Names.some((n) => pattern.test(n.replace(/^\//, ''))));
  }

  protected async candidates(role: MilvusRole, action: FaultAction): Promise<FaultTargetRef[]> {
    const containers = await this.listRole(role);
    const wanted = containers.filter((c) => (action === 'start' ? c.State !== 'running' : c.State === 'running'));
    return wanted.map((c) => ({ name: (c.Names[0] ?? c.Id).replace(/^\//, ''), role, id: c.Id }));
  }

  protected async injectAction(spec: FaultSpec, targets: FaultTargetRef[]): Promise<InjectedFault> {
    const names = targets.map((t) => t.name).join(' ');
    const state: DockerRevertState = { ids: targets.map((t) => t.id) };
    const fault: InjectedFault = { action: spec.action, targets, revertState: state, manualRevert: 'nothing to revert', needsRevert: spec.action !== 'start' && spec.action !== 'restart' };
    let act: ((c: Docker.Container) => Promise<unknown>) | undefined;
    switch (spec.action) {
      case 'kill':
        act = (c) => c.kill({ signal: spec.options.signal ?? 'SIGKILL' });
        fault.manualRevert = `docker start ${names}`;
        break;
      case 'stop':
        act = (c) => c.stop({ t: 10 });
        fault.manualRevert = `docker start ${names}`;
        break;
      case 'start':
        act = (c) => c.start();
        break;
      case 'restart':
        act = (c) => c.restart({ t: 10 });
        break;
      case 'pause':
        act = (c) => c.pause();
        fault.manualRevert = `docker unpause ${names}`;
        break;
      case 'partition':
        state.links = {};
        fault.manualRevert = `docker network connect <network> ${names}`;
        try {
          await this.disconnect(targets, state.links);
        } catch (error) {
          fault.manualRevert = this.reconnectCommand(targets, state.links);
          throw new PartialInjectionError(`partition: ${errorText(error)}`, fault);
        }
        fault.manualRevert = this.reconnectCommand(targets, state.links);
        return fault;
      default:
        throw new Error(`docker backend cannot ${spec.action}`);
    }
    const { done, failed } = await settleEach(targets, (t) => act(this.docker.getContainer(t.id)));
    if (failed.length > 0) {
      // undo only the containers the engine says it acted on: a refused call changed nothing
      const hit = done.map((t) => t.name).join(' ');
      const partial: InjectedFault = { ...fault, targets: done, revertState: { ids: done.map((t) => t.id) } satisfies DockerRevertState };
      if (fault.manualRevert !== 'nothing to revert') partial.manualRevert = fault.manualRevert.replace(names, hit);
      const why = failed.map((f) => `${f.item.name}: ${errorText(f.error)}`).join('; ');
      throw new PartialInjectionError(`docker ${spec.action} failed on ${failed.length} of ${targets.length} container(s): ${why}`, partial);
    }
    return fault;
  }

  private reconnectCommand(targets: FaultTargetRef[], links: Record<string, NetworkLink[]>): string {
    const commands = Object.entries(links).flatMap(([id, list]) =>
      list.map((l) => `docker network connect ${l.network} ${targets.find((t) => t.id === id)?.name ?? id}`),
    );
    return commands.join(' && ') || 'nothing to revert';
  }

  /** Disconnects every target (one failing does not stop the others); `links` grows as each network is cut. */
  private async disconnect(targets: FaultTargetRef[], links: Record<string, NetworkLink[]>): Promise<void> {
    const problems: string[] = [];
    for (const target of targets) {
      try {
        await this.disconnectOne(target, links);
      } catch (error) {
        problems.push(`${target.name}: ${errorText(error)}`);
      }
    }
    if (problems.length > 0) throw new Error(`${problems.length} of ${targets.length} container(s) not cut off: ${problems.join('; ')}`);
  }

  private async disconnectOne(target: FaultTargetRef, links: Record<string, NetworkLink[]>): Promise<void> {
    const info = await this.docker.getContainer(target.id).inspect();
    const networks = Object.entries(info.NetworkSettings.Networks ?? {})
      .filter(([network]) => (this.config.network ? network === this.config.network : network !== 'host' && network !== 'none'))
      .map(([network, endpoint]) => ({ network, aliases: ((endpoint.Aliases ?? []) as string[]).filter((a) => !info.Id.startsWith(a)) }));
    if (networks.length === 0) {
      throw new Error(`container ${target.name} is on no network that can be disconnected (host/none networking, or not on ${this.config.network})`);
    }
    for (const link of networks) {
      // recorded before the call: a disconnect that errors may still have happened, and reconnecting is idempotent
      (links[target.id] ??= []).push(link);
      await this.docker.getNetwork(link.network).disconnect({ Container: target.id, Force: true });
    }
  }


  /** Undoes what the real state shows is still broken, on every container even when one of them fails. */
  protected async revertAction(fault: InjectedFault): Promise<void> {
    const { ids, links } = fault.revertState as DockerRevertState;
    const { failed } = await settleEach(ids, async (id) => {
      const container = this.docker.getContainer(id);
      const info = await container.inspect();
      if (fault.action === 'pause' && info.State.Paused) await container.unpause();
      if ((fault.action === 'kill' || fault.action === 'stop') && !info.State.Running) await container.start();
      if (fault.action === 'partition') {
        const attached = info.NetworkSettings.Networks ?? {};
        for (const link of links?.[id] ?? []) {
          if (attached[link.network]) continue;
          await this.docker.getNetwork(link.network).connect({ Container: id, EndpointConfig: { Aliases: link.aliases } });
        }
      }
    });
    if (failed.length > 0) {
      const name = (id: string) => fault.targets.find((t) => t.id === id)?.name ?? id;
      throw new Error(failed.map((f) => `${name(f.item)}: ${errorText(f.error)}`).join('; '));
    }
  }

  async observeRecovery(fault: InjectedFault, sinceMs: number, timeoutMs: number): Promise<RecoveryObservation> {
    const { ids, links } = fault.revertState as DockerRevertState;
    const serving = async (id: string): Promise<boolean> => {
      const info = await this.docker.getContainer(id).inspect();
      const state = info.State;
      if (!state.Running || state.Paused || state.Restarting) return false;
      if (state.Health && state.Health.Status !== 'healthy') return false;
      if (['kill', 'stop', 'restart'].includes(fault.action) && Date.parse(state.StartedAt) < sinceMs - 1000) return false;
      if (fault.action === 'partition') return (links?.[id] ?? []).every((l) => info.NetworkSettings.Networks?.[l.network]);
      return true;
    };
    const at = await pollUntil(async () => ((await Promise.all(ids.map(serving))).every(Boolean) ? Date.now() : undefined), timeoutMs, 200);
    const names = fault.targets.map((t) => t.name).join(', ');
    return at ? { recoveredMs: at, detail: `${names} running${fault.action === 'partition' ? ' and connected' : ''} again` } : { recoveredMs: null, detail: `${names} not serving again within ${timeoutMs} ms` };
  }
}
