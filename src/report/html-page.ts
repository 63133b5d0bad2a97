// The page shell shared by report.html and comparison.html: inlined CSS/JS (uPlot from node_modules), tables, no network.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeHtml } from './format.js';
import type { TextTable } from './model.js';

let uplotAssets: { js: string; css: string } | null = null;

function loadUplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    // an inlined script ends at the first "</script" whatever the JS says; make sure there is none
    uplotAssets = { js: js.replace(/<\/(script)/gi, '<\\/$1'), css: css.replace(/<\/(style)/gi, '<\\/$1') };
  }
  return uplotAssets;
}

const PAGE_CSS = `
:root { --ok:#15803d; --bad:#b91c1c; --warn:#b45309; --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --card:#fff; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
main { max-width:1180px; margin:0 auto; padding:20px 24px 48px; }
h1 { font-size:22px; margin:0 0 4px; } h2 { font-size:16px; margin:0 0 10px; }
.sub { color:var(--muted); margin:0 0 16px; }
.banner { border-radius:8px; padding:14px 18px; margin:0 0 18px; color:#fff; font-weight:600; font-size:16px; }
.banner.pass { background:var(--ok); } .banner.fail { background:var(--bad); } .banner.partial { background:var(--warn); }
.banner ul { margin:6px 0 0; padding-left:20px; font-weight:400; font-size:14px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:16px 18px; margin:0 0 16px; overflow-x:auto; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
table.data { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
.data th, .data td { text-align:left; padding:5px 10px; border-bottom:1px solid var(--line); white-space:nowrap; }
.data td.text { white-space:normal; overflow-wrap:anywhere; min-width:140px; max-width:320px; }
.data th { color:var(--muted); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.02em; }
.data td.ok { color:var(--ok); font-weight:700; } .data td.bad { color:var(--bad); font-weight:700; }
.data tr.bad td { background:#fef2f2; }
.uplot .u-legend { font-size:12px; }
.charts { display:grid; grid-template-columns:1fr; gap:18px; }
.chart { min-height:120px; }
.chart .empty { color:var(--muted); padding:12px 0; }
.uplot .u-title { font-size:14px; font-weight:600; text-align:left; padding-left:8px; }
.bar { height:10px; background:#93c5fd; border-radius:2px; min-width:2px; }
pre { background:#f3f4f6; padding:10px; border-radius:6px; overflow:auto; max-height:360px; }
.note { color:var(--muted); font-size:12px; }
`;

export function htmlPage(title: string, body: string, script: { data: string; code: string } | null): string {
  const assets = script ? loadUplot() : null;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_CSS}${assets ? assets.css : ''}</style>`,
    '</head><body><main>',
    body,
    '</main>',
    assets && script ? `<script type="application/json" id="report-data">${script.data}</script>` : '',
    assets ? `<script>${assets.js}</script>` : '',
    script ? `<script>${script.code}</script>` : '',
    '</body></html>',
    '',
  ].join('\n');
}

/** A table of plain text; rows whose first cell is ✗ are marked, ✓/✗ cells coloured. */
export function htmlTable(table: TextTable): string {
  const head = `<tr>${table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = table.rows.map((row) => {
    const cells = row.map((cell) => `<td${cellClass(cell)}>${escapeHtml(cell)}</td>`).join('');
    return `<tr${row[0] === '✗' ? ' class="bad"' : ''}>${cells}</tr>`;
  });
  return `<table class="data"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function cellClass(cell: string): string {
  if (cell === '✓') return ' class="ok"';
  if (cell === '✗') return ' class="bad"';
  return cell.length > 28 ? ' class="text"' : ''; // long names and notes wrap; figures never do
}

export function htmlSection(title: string, content: string, id?: string): string {
  return `<section${id ? ` id="${escapeHtml(id)}"` : ''}><h2>${escapeHtml(title)}</h2>${content}</section>`;
}

export function htmlFacts(facts: Array<[string, string]>): string {
  return `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}
