// Segment placement for the coordinator (pure): every segment of a loaded collection on `replicas` distinct live
// querynodes where capacity allows; a rejoining node gets segments back. Copy index r of a segment is replica r.

export interface PlacementInput {
  /** Segment ids currently in storage (sealed and growing). */
  segments: number[];
  replicas: number;
  /** Live querynode names, sorted. */
  live: string[];
  /** Segments each node reports as loaded, per node. */
  loaded: Map<string, Set<number>>;
  /** Segments per node across all collections, for least-loaded choice (mutated as we place). */
  load: Map<string, number>;
}

/** Returns the new placement (segment → ordered nodes). A segment moving for balance keeps its source until the
 *  target reports it loaded, so a move never leaves the segment without a serving copy. */
export function place(current: Map<number, string[]>, input: PlacementInput): Map<number, string[]> {
  const live = new Set(input.live);
  const wanted = Math.min(input.replicas, input.live.length);
  const next = new Map<number, string[]>();
  const bump = (node: string, by: number): void => void input.load.set(node, (input.load.get(node) ?? 0) + by);
  for (const segment of input.segments) {
    const nodes = (current.get(segment) ?? []).filter((n) => live.has(n));
    while (nodes.length < wanted) {
      const node = leastLoaded(input.live.filter((n) => !nodes.includes(n)), input.load);
      nodes.push(node);
      bump(node, 1);
    }
    if (nodes.length > wanted) trimMoved(segment, nodes, wanted, input);
    next.set(segment, nodes);
  }
  rebalanceOne(next, input, wanted);
  return next;
}

/** Drops surplus copies once every remaining copy is loaded (the end of a move). */
function trimMoved(segment: number, nodes: string[], wanted: number, input: PlacementInput): void {
  const loaded = nodes.filter((n) => input.loaded.get(n)?.has(segment));
  if (loaded.length < nodes.length) return;
  while (nodes.length > wanted) {
    const removed = nodes.shift()!;
    input.load.set(removed, (input.load.get(removed) ?? 1) - 1);
  }
}

/** One move per round from the most to the least loaded node when they differ by more than one segment. */
function rebalanceOne(next: Map<number, string[]>, input: PlacementInput, wanted: number): void {
  if (input.live.length < 2 || wanted === 0) return;
  const counts = new Map(input.live.map((n) => [n, 0]));
  for (const nodes of next.values()) for (const n of nodes.slice(-wanted)) counts.set(n, (counts.get(n) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => a[1] - b[1]);
  const [lightest, light] = sorted[0]!;
  const [heaviest, heavy] = sorted.at(-1)!;
  if (heavy - light <= 1) return;
  if ([...next.values()].some((nodes) => nodes.length > wanted)) return; // a move is in flight
  for (const [segment, nodes] of next) {
    if (nodes.includes(heaviest) && !nodes.includes(lightest)) {
      nodes.splice(nodes.indexOf(heaviest), 1);
      nodes.unshift(heaviest); // the source goes first: trimmed when the move completes
      nodes.push(lightest);
      next.set(segment, nodes);
      return;
    }
  }
}

function leastLoaded(candidates: string[], load: Map<string, number>): string {
  return candidates.reduce((best, n) => ((load.get(n) ?? 0) < (load.get(best) ?? 0) ? n : best));
}

/** Replica r = the nodes holding copy r of some segment (Milvus's ReplicaInfo.node_ids). */
export function replicaGroups(placement: Map<number, string[]>, replicas: number): string[][] {
  const groups = Array.from({ length: replicas }, () => new Set<string>());
  for (const nodes of placement.values()) nodes.slice(-replicas).forEach((n, r) => groups[r]!.add(n));
  return groups.map((g) => [...g].sort());
}
