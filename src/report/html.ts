// report.html: one self-contained page (uPlot and data inlined, opens offline) with every figure of a run.
import type { RunResult } from '../model/index.js';
import { escapeHtml, failedSlos, formatMs, jsonForScript, verdictLine } from './format.js';
import { buildCharts } from './html-charts.js';
import { CHART_CLIENT_JS } from './html-client.js';
import { htmlFacts, htmlPage, htmlSection, htmlTable } from './html-page.js';
import { faultTable, ingestLine, integrityLine, phaseTable, sloTable, targetLine } from './model.js';

export function renderHtml(result: RunResult): string {
  const charts = buildCharts(result);
  const body = [
    `<h1>milvus-bench — ${escapeHtml(result.scenario.name)}</h1>`,
    `<p class="sub">${escapeHtml(result.scenario.description)}</p>`,
    verdictBanner(result),
    htmlSection('Target and run', htmlFacts(runFacts(result)), 'target'),
    result.slo.length > 0 ? htmlSection('SLOs', htmlTable(sloTable(result.slo)), 'slo') : '',
    result.phases.length > 0 ? htmlSection('Phases', `${htmlTable(phaseTable(result))}<p class="note">latency is measured from each request's intended start (no coordinated omission); it covers every ended request (failures and timeouts too); QPS counts completions per second of the measured window; errors % is the error rate (error + timeout + dropped) / scheduled</p>`, 'phases') : htmlSection('Phases', '<p class="note">no load phase ran</p>', 'phases'),
    charts.length > 0 ? htmlSection('Over time', `<div class="charts">${charts.map((c) => `<div class="chart" id="${escapeHtml(c.id)}"></div>`).join('')}</div><p class="note">shaded bands: a fault from injection to recovery (darker: client-observed outage windows); dashed lines: phase starts</p>`, 'charts') : '',
    result.faults.length > 0 ? htmlSection('Faults', htmlTable(faultTable(result)), 'faults') : '',
    setupSection(result),
    integritySection(result),
    htmlSection('Scenario', `<pre>${escapeHtml(JSON.stringify(result.scenario.spec ?? null, null, 2))}</pre>`, 'scenario'),
  ].join('\n');
  return htmlPage(`milvus-bench: ${result.scenario.name}`, body, { data: jsonForScript({ charts }), code: CHART_CLIENT_JS });
}

function verdictBanner(result: RunResult): string {
  const kind = result.error || result.interrupted ? 'partial' : result.pass ? 'pass' : 'fail';
  const failed = failedSlos(result.slo);
  const list = failed.length > 0 ? `<ul>${failed.map((s) => `<li>${escapeHtml(`${s.key}: ${s.display || 'not measured'} (threshold ${s.threshold})`)}</li>`).join('')}</ul>` : '';
  return `<div class="banner ${kind}" id="verdict">${escapeHtml(verdictLine(result))}${list}</div>`;
}

function runFacts(result: RunResult): Array<[string, string]> {
  const t = result.target;
  return [
    ['target', targetLine(result)],
    ['kind', t.kind === 'local' ? 'local Milvus-compatible test cluster (not Milvus)' : 'Milvus'],
    ['server version', t.serverVersion ?? 'unknown'],
    ['scenario file', result.scenario.file],
    ['started', result.startedAt],
    ['finished', result.finishedAt],
    ['load workers', String(result.workers)],
    ['interval', formatMs(result.intervalMs)],
    ['tool', `${result.tool.name} ${result.tool.version}`],
  ];
}

function setupSection(result: RunResult): string {
  const ingest = ingestLine(result.ingest);
  if (result.steps.length === 0 && !ingest) return '';
  const total = Math.max(1, ...result.steps.map((s) => s.startMs + s.durationMs)) - Math.min(0, ...result.steps.map((s) => s.startMs));
  const origin = Math.min(...result.steps.map((s) => s.startMs));
  const rows = result.steps.map((s) => {
    const left = ((s.startMs - origin) / total) * 100;
    const width = Math.max(0.3, (s.durationMs / total) * 100);
    return `<tr><td>${escapeHtml(s.step)}</td><td>${escapeHtml(formatMs(s.durationMs))}</td><td style="width:50%"><div class="bar" style="margin-left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></div></td><td>${escapeHtml(s.detail ?? '')}</td></tr>`;
  });
  const table = rows.length > 0 ? `<table class="data"><thead><tr><th>step</th><th>duration</th><th>timeline</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '';
  return htmlSection('Setup and ingest', `${ingest ? `<p>${escapeHtml(ingest)}</p>` : ''}${table}`, 'setup');
}

function integritySection(result: RunResult): string {
  const lines = [integrityLine(result.integrity), result.error ? `run error: ${result.error}` : null].filter((l): l is string => Boolean(l));
  return lines.length > 0 ? htmlSection('Integrity and errors', lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''), 'integrity') : '';
}
