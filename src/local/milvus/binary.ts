// Where the real Milvus comes from: the `milvus-server` console script of the PyPI wheel (on PATH, or named by
// `local.milvusBin` / `--milvus-bin`). The wheel keeps the server binary and its libraries lzma-compressed; the
// Python interpreter that runs the script unpacks them once into the cache, and later starts only compare checksums.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { TargetError } from '../../errors.js';
import { cacheRoot } from './kafka.js';

const run = promisify(execFile);

export const MILVUS_SERVER_INSTALL = 'pip install milvus==2.3.5';

/** The unpacked server: `binDir/milvus` plus its shared libraries, and the wheel's config template. */
export interface UnpackedMilvus {
  /** directory holding `milvus` and its shared libraries (LD_LIBRARY_PATH) */
  binDir: string;
  /** the wheel's data dir: config.yaml.template, glog.conf */
  templateDir: string;
  /** the wheel's version (the server's own comes from GetVersion) */
  version: string;
  /** the `milvus-server` script it came from */
  server: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Path of `milvus-server`: `explicit` when given (must exist), else the first on PATH; one-line error otherwise. */
export function findMilvusServer(explicit?: string, pathEnv = process.env.PATH ?? ''): string {
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : resolve(explicit);
    if (!executable(path)) throw new TargetError(`real Milvus not found: --milvus-bin / local.milvusBin ${explicit} is not an executable file (install it with: ${MILVUS_SERVER_INSTALL})`);
    return path;
  }
  for (const dir of pathEnv.split(delimiter)) {
    if (dir && executable(join(dir, 'milvus-server'))) return join(dir, 'milvus-server');
  }
  throw new TargetError(`real Milvus is not installed: no milvus-server on PATH (install it with: ${MILVUS_SERVER_INSTALL}, or set local.milvusBin)`);
}

/** The interpreter named by the script's `#!` line (pip writes an absolute one); a wrapper that is not Python
 * itself (a pyenv shim, a shell launcher) leaves python3 from PATH, which such wrappers resolve the same way. */
function interpreterOf(server: string): string[] {
  let first = '';
  try {
    first = readFileSync(server, 'utf8').slice(0, 512).split('\n')[0] ?? '';
  } catch {
    // unreadable: fall through
  }
  if (first.startsWith('#!') && /python/.test(first)) return first.slice(2).trim().split(/\s+/);
  return ['python3'];
}

const UNPACK = `
import importlib.metadata, os, sys, milvus
base = os.path.join(sys.argv[1], 'milvus-' + importlib.metadata.version('milvus'))
milvus._initialize_data_files(base)
print(importlib.metadata.version('milvus'))
print(os.path.join(base, 'bin'))
print(os.path.join(os.path.dirname(milvus.__file__), 'data'))
`;

/** Finds `milvus-server`, unpacks its binary into `cache` (once) and returns where it is. */
export async function unpackMilvus(options: { milvusBin?: string; cache?: string } = {}): Promise<UnpackedMilvus> {
  const server = findMilvusServer(options.milvusBin);
  const cache = options.cache ?? cacheRoot();
  const [python, ...pre] = interpreterOf(server);
  let out: string;
  try {
    out = (await run(python!, [...pre, '-c', UNPACK, cache], { timeout: 300_000 })).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    if (stderr.includes("No module named 'milvus'")) throw new TargetError(`real Milvus is not installed: ${python} has no milvus package (install it with: ${MILVUS_SERVER_INSTALL})`);
    throw new TargetError(`cannot unpack the Milvus binary of ${server} into ${cache}: ${stderr.trim().split('\n').at(-1) || (error as Error).message}`);
  }
  const [version, binDir, templateDir] = out.trim().split('\n');
  if (!version || !binDir || !templateDir || !existsSync(join(binDir, 'milvus'))) throw new TargetError(`unpacking the Milvus binary of ${server} into ${cache} left no milvus executable`);
  return { binDir, templateDir, version, server };
}
