// milvus.yaml from the wheel's own template: its `{{ name(type): default }}` placeholders filled, then any dotted key
// set (`etcd.config.path`, `proxy.port`, …), added where the template lacks it. Line-based on purpose: the template
// is block-style YAML with two-space indentation, and keeping its comments makes the written file readable.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetError } from '../../errors.js';

/** `{{ name(type): default }}` → values[name], else the template's default, else empty. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)(?:\(\w+\))?\s*(?::\s*([^}]*?))?\s*\}\}/g, (_, name: string, fallback?: string) => values[name] ?? fallback ?? '');
}

const KEY_LINE = /^( *)([A-Za-z0-9_.-]+):(.*)$/;

/** Sets `dotted` (e.g. `etcd.config.path`) to `value`; missing levels are inserted under the deepest existing one. */
export function setYamlKey(yaml: string, dotted: string, value: string): string {
  const want = dotted.split('.');
  const lines = yaml.split('\n');
  const path: { key: string; indent: number }[] = [];
  let deepest = { depth: 0, line: -1, indent: -2 };
  for (let i = 0; i < lines.length; i++) {
    const match = KEY_LINE.exec(lines[i]!);
    if (!match || lines[i]!.trimStart().startsWith('#')) continue;
    const indent = match[1]!.length;
    while (path.length > 0 && path.at(-1)!.indent >= indent) path.pop();
    path.push({ key: match[2]!, indent });
    const depth = path.length;
    if (depth > want.length || path.some((p, j) => p.key !== want[j])) continue;
    if (depth === want.length) {
      const comment = /\s#.*$/.exec(match[3]!)?.[0] ?? '';
      lines[i] = `${match[1]}${match[2]}: ${value}${comment}`;
      return lines.join('\n');
    }
    if (depth > deepest.depth) deepest = { depth, line: i, indent };
  }
  // insert the missing levels right after the deepest existing parent (or at the end for a new top-level key)
  const insert = want.slice(deepest.depth).map((key, j) => {
    const pad = ' '.repeat(deepest.indent + 2 + 2 * j);
    return j === want.length - deepest.depth - 1 ? `${pad}${key}: ${value}` : `${pad}${key}:`;
  });
  if (deepest.line < 0) return `${yaml.trimEnd()}\n${insert.join('\n')}\n`;
  lines.splice(deepest.line + 1, 0, ...insert);
  return lines.join('\n');
}

export function renderMilvusYaml(template: string, placeholders: Record<string, string>, overrides: Record<string, string> = {}): string {
  let yaml = fillPlaceholders(template, placeholders);
  for (const [key, value] of Object.entries(overrides)) yaml = setYamlKey(yaml, key, value);
  return yaml;
}

// knowhere/segcore log through glog: to stderr, so the component's log file has them (the wheel's writes logs/ in cwd)
export const GLOG_CONF = ['--logtostdout=false', '--logtostderr=true', '--alsologtostderr=false', '--minloglevel=0', '--max_log_size=200', ''].join('\n');

export function readMilvusTemplate(templateDir: string): string {
  try {
    return readFileSync(join(templateDir, 'config.yaml.template'), 'utf8');
  } catch (error) {
    throw new TargetError(`cannot read the Milvus config template in ${templateDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Writes `<configDir>/milvus.yaml` and `glog.conf` from the template; returns configDir (the process's MILVUSCONF). */
export async function writeMilvusConfig(configDir: string, templateDir: string, placeholders: Record<string, string>, overrides: Record<string, string> = {}): Promise<string> {
  const yaml = renderMilvusYaml(readMilvusTemplate(templateDir), placeholders, overrides);
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'milvus.yaml'), yaml);
  await writeFile(join(configDir, 'glog.conf'), GLOG_CONF);
  return configDir;
}

export interface EmbeddedEtcdPorts {
  client: number;
  peer: number;
}

/** The embedded etcd's own config (read through `etcd.config.path`): without it etcd takes localhost:2379/2380. */
export function embeddedEtcdYaml(dataDir: string, ports: EmbeddedEtcdPorts): string {
  const client = `http://127.0.0.1:${ports.client}`;
  const peer = `http://127.0.0.1:${ports.peer}`;
  return [
    'name: default',
    `data-dir: ${dataDir}`,
    `listen-client-urls: ${client}`,
    `advertise-client-urls: ${client}`,
    `listen-peer-urls: ${peer}`,
    `initial-advertise-peer-urls: ${peer}`,
    `initial-cluster: default=${peer}`,
    '',
  ].join('\n');
}
