// What this process knows about the rows in a collection it prepared: how many, and their primary keys.
// With explicit keys row i is id i; with autoId the server picks the keys, and the ones this process
// inserted are remembered so exact neighbours can name them.

interface KnownRows {
  rows: number;
  autoIds: string[] | null;
}

const known = new Map<string, KnownRows>();

export function rememberRows(collection: string, rows: number, autoIds: string[] | null): void {
  known.set(collection, { rows, autoIds });
}

export function forgetRows(collection: string): void {
  known.delete(collection);
}

/** Rows prepared in this process, or undefined when this process did not prepare the collection. */
export function knownRowCount(collection: string): number | undefined {
  return known.get(collection)?.rows;
}

/** Maps a row index to its primary key; null when the keys are unknown (autoId collection ingested elsewhere). */
export function rowIdResolver(collection: string, autoId: boolean): ((row: number) => string) | null {
  if (!autoId) return (row) => String(row);
  const ids = known.get(collection)?.autoIds;
  return ids ? (row) => ids[row] : null;
}
