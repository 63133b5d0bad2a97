// Finds the executables the real cluster runs: the `milvus` binary the PyPI wheel bundles (unpacked once into the
// cache), etcd and java. Every miss is one line naming what is missing and how to install it.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join, delimiter } from 'node:path';
import { promisify } from 'node:util';
import { TargetError } from '../../errors.js';
import { cacheRoot } from './kafka.js';

const run = promisify(execFile);

export interface MilvusBinary {
  /** directory holding `milvus` and its shared libraries (LD_LIBRARY_PATH) */
  binDir: string;
  /** the wheel's data dir: config.yaml.template, glog.conf */
  templateDir: string;
  version: string;
}

export const MILVUS_INSTALL_HINT = 'pip install milvus==2.3.5';

/** `name` on PATH, else a TargetError naming `hint`. */
export function findExecutable(name: string, hint: string, pathEnv = process.env.PATH ?? ''): string {
  for (const dir of pathEnv.split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  throw new TargetError(`the real Milvus cluster needs ${name}, which is not on PATH: ${hint}`);
}

// The wheel keeps the binary lzma-compressed; Python (which installed it) unpacks it with the wheel's own code,
// which skips files whose checksum is unchanged, so later starts cost only the check.
const UNPACK = `
import importlib.metadata, os, sys, milvus
cache = sys.argv[1]
version = importlib.metadata.version('milvus')
base = os.path.join(cache, 'milvus-' + version)
milvus._initialize_data_files(base)
print(version)
print(os.path.join(base, 'bin'))
print(os.path.join(os.path.dirname(milvus.__file__), 'data'))
`;

/** Unpacks (once) and returns the real Milvus binary of the `milvus` Python package. */
export async function prepareMilvusBinary(cache = cacheRoot()): Promise<MilvusBinary> {
  const python = ['python3', 'python'].find((name) => {
    try {
      findExecutable(name, '');
      return true;
    } catch {
      return false;
    }
  });
  if (!python) throw new TargetError(`real Milvus is not installed (no python3 on PATH): ${MILVUS_INSTALL_HINT}`);
  let out: string;
  try {
    out = (await run(python, ['-c', UNPACK, cache], { timeout: 300_000 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    if (stderr.includes("No module named 'milvus'")) throw new TargetError(`real Milvus is not installed (${python} has no milvus package): ${MILVUS_INSTALL_HINT}`);
    throw new TargetError(`cannot unpack the Milvus binary into ${cache}: ${stderr.trim().split('\n').at(-1) ?? (error as Error).message}`);
  }
  const [version, binDir, templateDir] = out.trim().split('\n');
  if (!version || !binDir || !templateDir || !existsSync(join(binDir, 'milvus'))) throw new TargetError(`unpacking the Milvus binary into ${cache} left no ${binDir}/milvus`);
  return { binDir, templateDir, version };
}
