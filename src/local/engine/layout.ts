// Where a collection's files live under the data dir, and the metadata document both writer and readers read.
import { join } from 'node:path';
import type { CollectionSchema, IndexSpec } from './types.js';

export interface SealedSegmentMeta {
  id: number;
  rows: number;
  /** CRC-32 of the segment body; an index built from other content is stale. */
  checksum: number;
  /** File name of the persisted index, relative to the collection dir. */
  indexFile?: string;
}

export interface CollectionMeta {
  version: 1;
  schema: CollectionSchema;
  index?: IndexSpec;
  nextSegmentId: number;
  /** Decimal string: JSON has no int64. */
  nextAutoId: string;
  segments: SealedSegmentMeta[];
}

export const collectionsDir = (dataDir: string): string => join(dataDir, 'collections');
export const collectionDir = (dataDir: string, name: string): string => join(collectionsDir(dataDir), name);
export const metaPath = (dir: string): string => join(dir, 'meta.json');
export const segmentFileName = (id: number): string => `seg-${id}.bin`;
export const indexFileName = (id: number): string => `seg-${id}.ivf`;
export const walFileName = (id: number): string => `growing-${id}.wal`;

/** Growing log ids present in a listing of a collection dir, ascending. */
export function walIds(names: string[]): number[] {
  return names
    .map((n) => /^growing-(\d+)\.wal$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
