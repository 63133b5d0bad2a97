// milvus.yaml for the real cluster: the wheel's own template with its placeholders filled in and switched to
// cluster mode (external etcd, Kafka, shared local storage, every role on 127.0.0.1). Per-process ports are not in
// the file: each process gets them as environment overrides (PROXY_PORT, QUERYNODE_PORT, METRICS_PORT …).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetError } from '../../errors.js';

export interface ClusterConfigInput {
  templateDir: string;
  etcdEndpoint: string;
  kafkaBroker: string;
  storagePath: string;
  /** seconds without a session keep-alive before coordinators consider a node gone (common.session.ttl) */
  sessionTtlSeconds: number;
}

export const milvusHome = (dataDir: string): string => join(dataDir, 'milvus');
export const milvusConfigDir = (dataDir: string): string => join(milvusHome(dataDir), 'configs');

/** `{{ name(type): default }}` → the value we give, else the template's default, else empty. */
function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)(?:\(\w+\))?\s*(?::\s*([^}]*?))?\s*\}\}/g, (_, name: string, fallback?: string) => values[name] ?? fallback ?? '');
}

/** Replaces one line matched by `pattern`; a template without it is an error (a changed wheel must not pass silently). */
function replaceLine(yaml: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(yaml)) throw new TargetError(`the Milvus config template has no ${what} line; this Milvus version is not supported by the real cluster`);
  return yaml.replace(pattern, replacement);
}

export function renderClusterConfig(template: string, o: ClusterConfigInput): string {
  let yaml = fillPlaceholders(template, { local_storage_dir: o.storagePath, system_log_path: '' });
  yaml = replaceLine(yaml, /^(etcd:\n\s+endpoints:).*$/m, `$1 ${o.etcdEndpoint}`, 'etcd.endpoints');
  yaml = replaceLine(yaml, /^(\s+)embed: true\b.*$/m, '$1embed: false', 'etcd.use.embed');
  yaml = replaceLine(yaml, /^(mq:\n(?:\s*#.*\n)*\s+type:).*$/m, '$1 kafka', 'mq.type');
  yaml = replaceLine(yaml, /^(\s+storageType:).*$/m, '$1 local', 'common.storageType');
  yaml = replaceLine(yaml, /^(\s+session:\n\s+ttl:).*$/m, `$1 ${o.sessionTtlSeconds}`, 'common.session.ttl');
  // an empty ip means "the first unicast address"; keep every role on loopback
  yaml = yaml.replace(/^(\s+)ip:\s*(#.*)?$/gm, '$1ip: 127.0.0.1');
  if (/^kafka:/m.test(yaml)) throw new TargetError('the Milvus config template already has a kafka section; this Milvus version is not supported by the real cluster');
  return `${yaml.trimEnd()}\n\nkafka:\n  brokerList: ${o.kafkaBroker}\n`;
}

// knowhere/segcore log through glog: to stderr, so the component's log file has them too
const GLOG = ['--logtostdout=false', '--logtostderr=true', '--alsologtostderr=false', '--minloglevel=0', '--max_log_size=200', ''].join('\n');

/** Writes <dataDir>/milvus/configs/{milvus.yaml,glog.conf}; returns the config dir (MILVUSCONF). */
export async function writeClusterConfig(dataDir: string, o: ClusterConfigInput): Promise<string> {
  const dir = milvusConfigDir(dataDir);
  let template: string;
  try {
    template = readFileSync(join(o.templateDir, 'config.yaml.template'), 'utf8');
  } catch (error) {
    throw new TargetError(`cannot read the Milvus config template in ${o.templateDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'milvus.yaml'), renderClusterConfig(template, o));
  await writeFile(join(dir, 'glog.conf'), GLOG);
  return dir;
}
