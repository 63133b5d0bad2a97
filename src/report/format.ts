// Number, duration and text formatting shared by every renderer, plus the escapers for HTML, XML and Markdown.
import type { RunResult, SloResult } from '../model/index.js';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined || !Number.isFinite(perSec)) return '—';
  return perSec >= 100 ? Math.round(perSec).toLocaleString('en-US') : perSec.toFixed(1);
}

export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Verdict of the whole run in one line; partial results say why they are partial. */
export function verdictLine(result: RunResult): string {
  if (result.error) return `ERROR — the run stopped early: ${result.error}`;
  const failed = failedSlos(result.slo);
  if (result.interrupted) return `INTERRUPTED — partial results${failed.length ? `; failed SLOs: ${failed.map((s) => s.key).join(', ')}` : ''}`;
  if (failed.length > 0) return `FAIL — ${failed.length} of ${result.slo.length} SLOs breached: ${failed.map((s) => s.key).join(', ')}`;
  if (!result.pass) return 'FAIL';
  return result.slo.length > 0 ? `PASS — all ${result.slo.length} SLOs met` : 'PASS — no SLOs declared';
}

export function failedSlos(slo: SloResult[]): SloResult[] {
  return slo.filter((s) => !s.pass);
}

export function sloMark(slo: SloResult): string {
  return slo.pass ? '✓' : '✗';
}


const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** JSON safe to embed inside a <script> element: nothing in it can close the element or start a comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

// XML 1.0 forbids most control characters even when escaped; drop them rather than write invalid XML.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(value: unknown): string {
  return String(value ?? '')
    .replace(XML_INVALID, '')
    .replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : (HTML_ESCAPES[c] ?? c)));
}

/** A Markdown table cell: no pipes or newlines that would break the row, no raw HTML GitHub would render. */
export function escapeMarkdownCell(value: unknown): string {
  return String(value ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}
