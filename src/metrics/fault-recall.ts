// Recall@k around a fault, from the recall-sampled searches the load workers judged: the same span before the
// fault, the fault's window, and the same span after it.
import type { IntervalPoint } from '../model/index.js';

export interface FaultRecallInput {
  timeSeries: IntervalPoint[];
  loadStartEpochMs: number;
  injectedMs: number;
  windowEndMs: number;
  loadEndMs: number;
}

export interface RecallWindows {
  before: number | null;
  during: number | null;
  after: number | null;
  queries: { before: number; during: number; after: number };
}

export function faultRecall(input: FaultRecallInput): RecallWindows {
  const span = Math.max(0, input.windowEndMs - input.injectedMs);
  const window = (fromMs: number, toMs: number) => {
    let sum = 0;
    let count = 0;
    for (const point of input.timeSeries) {
      const startMs = input.loadStartEpochMs + point.tMs;
      if (!point.recall || startMs < fromMs || startMs >= toMs) continue;
      sum += point.recall.sum;
      count += point.recall.count;
    }
    return { value: count > 0 ? sum / count : null, count };
  };
  const before = window(input.injectedMs - span, input.injectedMs);
  const during = window(input.injectedMs, input.windowEndMs);
  const after = window(input.windowEndMs, Math.min(input.loadEndMs, input.windowEndMs + span));
  return { before: before.value, during: during.value, after: after.value, queries: { before: before.count, during: during.count, after: after.count } };
}
