import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/index.js';
import { buildRunResult, buildSetupErrorResult, HOSTILE } from './fixture.js';

function embeddedData(html: string): string {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no report-data script');
  return match[1];
}

describe('renderHtml', () => {
  const result = buildRunResult({ hostile: true });
  const html = renderHtml(result);

  it('escapes every scenario, target and error string, in markup and in the embedded JSON', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain(HOSTILE);
    expect(html.match(/<script/g)).toHaveLength(3); // data, uPlot, chart code: nothing injected
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('ha-failover&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;&amp;&#39;&quot;');
    const data = embeddedData(html);
    expect(data).not.toMatch(/[<>]/);
    const charts = JSON.parse(data).charts as Array<{ id: string; bands: Array<{ label: string }>; series: Array<{ label: string }> }>;
    expect(charts.find((c) => c.id === 'chart-qps')!.bands[0].label).toContain(`querynode-1${HOSTILE}`);
    expect(charts.find((c) => c.id === 'chart-percentiles')!.series.map((s) => s.label)).toEqual([`warmup${HOSTILE}`, 'steady']);
  });

  it('is self-contained: uPlot inlined, no external scripts, styles or fonts', () => {
    expect(html).toContain('var uPlot');
    expect(html).toContain('.uplot');
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/);
  });

  it('shows the verdict with the failed SLO, the local cluster named as such, and the fault table', () => {
    expect(html).toMatch(/<div class="banner fail" id="verdict">FAIL — 1 of 3 SLOs breached: errorRate<ul><li>errorRate: /);
    expect(html).toContain('<dd>local Milvus-compatible test cluster (not Milvus)</dd>');
    expect(html).toContain('<dd>2.5.0-local</dd>');
    expect(html).toMatch(/<td>kill querynode<\/td><td class="text">querynode-1&lt;\/script&gt;/);
    expect(html).toContain('recall@10 0.9731');
  });

  it('computes the percentile distribution from the encoded histograms', () => {
    const charts = JSON.parse(embeddedData(renderHtml(buildRunResult()))).charts as Array<{ id: string; x: number[]; series: Array<{ values: Array<number | null> }> }>;
    const distribution = charts.find((c) => c.id === 'chart-percentiles')!;
    const steady = distribution.series[1].values;
    const at = (x: number) => steady[distribution.x.findIndex((v) => Math.abs(v - x) < 1e-6 * x)];
    const phase = buildRunResult().phases[1].latency!;
    expect(at(2)).toBeCloseTo(phase.p50, 1); // 1/(1−0.5) = 2
    expect(at(100)).toBeCloseTo(phase.p99, 1); // 1/(1−0.99) = 100
    const defined = steady.filter((v): v is number => v !== null);
    expect(defined).toEqual([...defined].sort((a, b) => a - b)); // a percentile curve never goes down
  });

  it('renders a setup-error result with no charts', () => {
    const partial = renderHtml(buildSetupErrorResult());
    expect(partial).toContain('banner partial');
    expect(partial).toContain('no load phase ran');
    expect(JSON.parse(embeddedData(partial)).charts).toEqual([]);
    expect(partial).not.toContain('<img');
  });
});
