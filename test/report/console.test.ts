import { describe, expect, it } from 'vitest';
import { renderConsoleSummary, renderMarkdownSummary, verdictLine } from '../../src/report/index.js';
import { buildInterruptedResult, buildRunResult, buildSetupErrorResult } from './fixture.js';

describe('renderConsoleSummary', () => {
  const result = buildRunResult();
  const text = renderConsoleSummary(result);

  it('prints one row per phase plus the total, with figures read from the histograms', () => {
    for (const head of ['ops', 'QPS', 'p50', 'p95', 'p99', 'p99.9', 'max', 'errors', 'dropped']) expect(text).toContain(head);
    const steady = text.split('\n').find((l) => l.includes('│ steady'));
    expect(steady).toBeDefined();
    expect(steady).toContain(result.phases[1].counters.sent.toLocaleString('en-US'));
    expect(steady).toContain(`${result.phases[1].latency!.p99.toFixed(1)} ms`);
    expect(text).toContain('all phases');
  });

  it('names the local cluster honestly and shows ingest, faults, integrity, SLOs and the verdict', () => {
    expect(text).toContain('Local Milvus-compatible test cluster (2 proxies, 2 querynodes) — not Milvus at 127.0.0.1:19530');
    expect(text).toMatch(/ingested 20,000 rows in 20 batches/);
    const fault = text.split('\n').find((l) => l.includes('kill querynode'));
    expect(fault).toContain('querynode-1');
    expect(fault).toMatch(/2\.\d\d s/); // downtime of the 2.5 s outage
    expect(fault).toMatch(/484 failed, 0 timed out; error rate 100\.00%/);
    expect(fault).toMatch(/│ recovered │/);
    expect(text).toContain('recall@10 0.9731');
    expect(text).toMatch(/✓ │ p99\s+│ <50ms/);
    expect(text).toMatch(/✗ │ errorRate\s+│ <0\.1%/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('FAIL — 1 of 3 SLOs breached: errorRate');
    expect(text).not.toMatch(/\x1b\[/); // no colour codes in CI logs
  });

  it('renders a setup error without phases and says why the run stopped', () => {
    const partial = renderConsoleSummary(buildSetupErrorResult());
    expect(partial).toContain('no load phase ran');
    expect(partial.trimEnd().split('\n').at(-1)).toMatch(/^ERROR — the run stopped early: cannot connect to 127\.0\.0\.1:19530/);
    expect(partial).toContain('not measured');
  });

  it('marks an interrupted run as partial', () => {
    const result = buildInterruptedResult();
    expect(verdictLine(result)).toMatch(/^INTERRUPTED — partial results/);
    expect(renderConsoleSummary(result)).toContain('│ steady');
  });
});

describe('renderMarkdownSummary', () => {
  it('has the verdict, SLO, phase and fault tables, with hostile text neutralised', () => {
    const md = renderMarkdownSummary(buildRunResult({ hostile: true }));
    expect(md).toMatch(/^## ❌ milvus-bench: ha-failover&lt;\/script&gt;/);
    expect(md).toContain('**FAIL — 1 of 3 SLOs breached: errorRate**');
    expect(md).toContain('### SLOs');
    expect(md).toContain('| ✗ | errorRate | &lt;0.1% |');
    expect(md).toContain('### Phases');
    expect(md).toContain('### Faults');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('</script>');
    // every table row has the same number of cells as its header
    for (const table of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const rows = table.split('\n').filter((r) => r.length > 0);
      const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      for (const row of rows) expect(cells(row)).toBe(cells(rows[0]));
    }
  });

  it('works for a setup error', () => {
    const md = renderMarkdownSummary(buildSetupErrorResult());
    expect(md).toContain('⚠️');
    expect(md).toContain('ERROR — the run stopped early');
    expect(md).not.toContain('### Phases');
  });
});
