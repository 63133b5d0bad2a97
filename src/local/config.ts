// `local up` settings from a JSON config file (in the data dir or a given path); command-line flags win.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface LocalConfig {
  port?: number;
  proxies?: number;
  querynodes?: number;
  sessionTtlMs?: number;
  restartDelayMs?: number;
  autoRestart?: boolean;
  runtime?: 'process' | 'docker';
  image?: string;
  project?: string;
}

export const DEFAULT_CONFIG_NAME = 'local.config.json';
const NUMBER_KEYS = ['port', 'proxies', 'querynodes', 'sessionTtlMs', 'restartDelayMs'] as const;
const STRING_KEYS = ['image', 'project'] as const;

/** Reads `path`, else `<dataDir>/local.config.json` when present, else {}; unknown keys and wrong types are errors. */
export function loadLocalConfig(dataDir: string, path?: string): LocalConfig {
  const file = path ? resolve(path) : join(resolve(dataDir), DEFAULT_CONFIG_NAME);
  if (!path && !existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${file}: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`config file ${file}: expected a JSON object`);
  const problems: string[] = [];
  const config: LocalConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) problems.push(`config file ${file}: ${key} must be a non-negative integer`);
      else config[key as (typeof NUMBER_KEYS)[number]] = value;
    } else if (key === 'autoRestart') {
      if (typeof value !== 'boolean') problems.push(`config file ${file}: autoRestart must be true or false`);
      else config.autoRestart = value;
    } else if (key === 'runtime') {
      if (value !== 'process' && value !== 'docker') problems.push(`config file ${file}: runtime must be "process" or "docker"`);
      else config.runtime = value;
    } else if ((STRING_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' || value === '') problems.push(`config file ${file}: ${key} must be a non-empty string`);
      else config[key as (typeof STRING_KEYS)[number]] = value;
    } else problems.push(`config file ${file}: unknown key "${key}" (allowed: ${[...NUMBER_KEYS, 'autoRestart', 'runtime', ...STRING_KEYS].join(', ')})`);
  }
  if (problems.length > 0) throw new UsageError(problems[0]!, problems);
  return config;
}
