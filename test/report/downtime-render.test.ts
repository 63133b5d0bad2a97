// Every report says the same about a fault's downtime: an unrecovered one is a red "≥ N (not recovered)",
// a failed injection is "not injected" and an error case in JUnit, a fault that broke nothing says so.
import { describe, expect, it } from 'vitest';
import type { FaultResult, RunResult } from '../../src/report/index.js';
import { renderConsoleSummary, renderHtml, renderJunit, renderMarkdownSummary } from '../../src/report/index.js';
import { evaluateSlos } from '../../src/slo/index.js';
import { buildRunResult } from './fixture.js';

function withFault(change: Partial<FaultResult>): RunResult {
  const result = buildRunResult();
  result.faults = [{ ...result.faults[0]!, ...change }];
  result.slo = evaluateSlos([], result);
  return result;
}

const unrecovered = withFault({ status: 'unrecovered', recovered: false, downtimeMs: 4100, note: 'not recovered: the disruption was still open when the load ended' });

describe('fault downtime in every report', () => {
  it('an unrecovered fault: ≥ N (not recovered) in the console, Markdown, HTML (red row) and a JUnit failure', () => {
    const shown = '≥ 4.10 s (not recovered)';
    const consoleRow = renderConsoleSummary(unrecovered).split('\n').find((l) => l.includes('kill querynode'))!;
    expect(consoleRow).toContain(shown);
    expect(consoleRow).toMatch(/^│ ✗ │/);
    expect(renderMarkdownSummary(unrecovered)).toMatch(/\| ✗ \| kill querynode \|.*≥ 4\.10 s \(not recovered\)/);
    expect(renderHtml(unrecovered)).toMatch(/<tr class="bad"><td class="bad">✗<\/td><td>kill querynode<\/td>.*≥ 4\.10 s \(not recovered\)/);
    const junit = renderJunit(unrecovered);
    expect(junit).toMatch(/<testcase classname="milvus-bench.slo" name="fault.0.recovered" time="0">\s*<failure message="[^"]*not recovered \(≥ 4.1 s\)/);
  });

  it('a failed injection: not injected, an error case in JUnit, no recovery gate', () => {
    const failed = withFault({ status: 'failed', injection: 'failed', downtimeMs: null, error: 'command `false` failed (exit 1)' });
    expect(renderConsoleSummary(failed)).toContain('not injected (failed)');
    expect(failed.slo.some((s) => s.key === 'fault.0.recovered')).toBe(false);
    expect(renderJunit(failed)).toMatch(/<testcase classname="milvus-bench.fault" name="fault 0 kill querynode-1" time="0">\s*<error message="not injected as written: command `false` failed \(exit 1\)" type="FaultNotInjected"/);
  });

  it('no effect and a relapse read the same everywhere', () => {
    const quiet = withFault({ status: 'no-effect', downtimeMs: 0, disruption: null, note: 'no effect observed' });
    for (const text of [renderConsoleSummary(quiet), renderMarkdownSummary(quiet), renderHtml(quiet)]) expect(text).toContain('0 ms (no effect observed)');
    const relapse = withFault({ relapses: [{ atMs: 25_000, endAtMs: 25_100, downtimeMs: 100, recovered: true, bad: 10, failed: 10, timedOut: 0, dropped: 0, slow: 0, good: 0, errorRate: 1 }] });
    for (const text of [renderConsoleSummary(relapse), renderMarkdownSummary(relapse), renderHtml(relapse)]) expect(text).toContain('100 ms at 25.0 s');
  });
});
