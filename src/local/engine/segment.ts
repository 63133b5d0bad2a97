// A segment in memory (sealed with an optional IVF index, or growing and searched exactly) and its per-segment top-K.
import { dot, squaredNorms, TopK } from './kernels.js';
import { quantizerSpace, type IvfIndex } from './ivf.js';
import type { MetricType, RowPredicate, SegmentColumns, SegmentInfo } from './types.js';

export interface SegmentHit {
  row: number;
  /** Smaller is better: squared L2, or negated similarity for IP and COSINE. */
  distance: number;
}

export interface SegmentSearch {
  queries: Float32Array;
  topK: number;
  metric: MetricType;
  nprobe: number;
  /** Evaluated only on the rows a probe reaches, so a filtered IVF search costs about what an unfiltered one does. */
  filter?: RowPredicate;
}

export class LoadedSegment {
  private norms: Float32Array | undefined;

  /**
   * With an index, rows are stored in inverted-list order (list l = rows listOffsets[l]..listOffsets[l+1]) so a
   * probe reads one contiguous block: random row access cost ~3× in cache misses. Row order inside a segment is
   * not part of any contract.
   */
  constructor(
    public info: SegmentInfo,
    public columns: SegmentColumns,
    readonly dim: number,
    readonly index?: IvfIndex,
  ) {
    if (index) this.columns = permuteRows(columns, index.listRows, dim);
  }

  /** Growing segments only: swap in the columns grown by newly acknowledged rows. */
  replaceColumns(columns: SegmentColumns): void {
    this.columns = columns;
    this.info = { ...this.info, rows: columns.rowCount };
    this.norms = undefined;
  }

  search(request: SegmentSearch): SegmentHit[][] {
    const { queries, topK, metric, filter } = request;
    const dim = this.dim;
    const nq = queries.length / dim;
    const index = this.index && this.index.metric === metric ? this.index : undefined;
    const scan: Scan = {
      metric: METRIC_CODE[metric],
      columns: this.columns,
      vectors: this.columns.vectors,
      norms: this.rowNorms(),
      query: queries,
      queryOffset: 0,
      queryNorm: 0,
      queryScale: 0,
      dim,
      heap: new TopK(topK),
    };
    const results: SegmentHit[][] = [];
    for (let q = 0; q < nq; q++) {
      scan.queryOffset = q * dim;
      scan.queryNorm = dot(queries, scan.queryOffset, queries, scan.queryOffset, dim);
      scan.queryScale = scan.queryNorm > 0 ? 1 / Math.sqrt(scan.queryNorm) : 0;
      scan.heap = new TopK(topK);
      if (index) {
        const { listOffsets } = index;
        for (const list of nearestLists(index, queries.subarray(scan.queryOffset, scan.queryOffset + dim), request.nprobe)) {
          scanRows(scan, listOffsets[list]!, listOffsets[list + 1]!, filter);
        }
      } else {
        scanRows(scan, 0, this.columns.rowCount, filter);
      }
      results.push(scan.heap.sorted());
    }
    return results;
  }

  private rowNorms(): Float32Array {
    this.norms ??= squaredNorms(this.columns.vectors, this.dim);
    return this.norms;
  }
}

const METRIC_CODE: Record<MetricType, number> = { L2: 0, IP: 1, COSINE: 2 };

interface Scan {
  metric: number;
  columns: SegmentColumns;
  vectors: Float32Array;
  /** Squared norms of the rows. */
  norms: Float32Array;
  query: Float32Array;
  queryOffset: number;
  queryNorm: number;
  queryScale: number;
  dim: number;
  heap: TopK;
}

/** Rows start..end into the heap; one tight loop for every metric. */
function scanRows(scan: Scan, start: number, end: number, filter: RowPredicate | undefined): void {
  const { columns, metric, vectors, norms, query, queryOffset, queryNorm, queryScale, dim, heap } = scan;
  for (let row = start; row < end; row++) {
    if (filter !== undefined && !filter(columns, row)) continue;
    const product = dot(query, queryOffset, vectors, row * dim, dim);
    let distance: number;
    if (metric === 0) distance = Math.max(0, queryNorm + norms[row]! - 2 * product);
    else if (metric === 1) distance = -product;
    else distance = norms[row]! > 0 ? (-product * queryScale) / Math.sqrt(norms[row]!) : 0;
    if (distance < heap.bound()) heap.push(distance, row);
  }
}

/** The `nprobe` lists whose centroids are nearest to the query in the quantizer's space. */
function nearestLists(index: IvfIndex, query: Float32Array, nprobe: number): Int32Array {
  const { centroids, centroidNorms, dim, nlist } = index;
  const space = quantizerSpace(query, dim, index.metric);
  const probes = Math.min(nlist, Math.max(1, nprobe));
  const heap = new TopK(probes);
  for (let l = 0; l < nlist; l++) {
    // ‖q − c‖² − ‖q‖²: the query norm is common to every list.
    const d = centroidNorms[l]! - 2 * dot(space, 0, centroids, l * dim, dim);
    if (d < heap.bound()) heap.push(d, l);
  }
  return Int32Array.from(heap.sorted(), (hit) => hit.row);
}

/** Columns reordered so that new row i is old row order[i]. */
function permuteRows(columns: SegmentColumns, order: Uint32Array, dim: number): SegmentColumns {
  const gather = <T extends Float32Array | BigInt64Array | Uint8Array>(source: T, target: T): T => {
    for (let i = 0; i < order.length; i++) target[i] = source[order[i]!]!;
    return target;
  };
  const vectors = new Float32Array(columns.vectors.length);
  for (let i = 0; i < order.length; i++) vectors.set(columns.vectors.subarray(order[i]! * dim, (order[i]! + 1) * dim), i * dim);
  return {
    rowCount: columns.rowCount,
    vectors,
    int64: new Map([...columns.int64].map(([name, c]) => [name, gather(c, new BigInt64Array(c.length))])),
    float: new Map([...columns.float].map(([name, c]) => [name, gather(c, new Float32Array(c.length))])),
    bool: new Map([...columns.bool].map(([name, c]) => [name, gather(c, new Uint8Array(c.length))])),
    varchar: new Map([...columns.varchar].map(([name, c]) => [name, Array.from(order, (row) => c[row]!)])),
  };
}
