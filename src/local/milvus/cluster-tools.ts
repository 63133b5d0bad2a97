// Finds the executables the real cluster runs besides Milvus itself (etcd, java): one line naming what is missing
// and how to install it. (The Milvus binary comes from ./binary.ts.)
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TargetError } from '../../errors.js';

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
