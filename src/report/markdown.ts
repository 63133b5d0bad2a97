// summary.md: the verdict, SLO, phase and fault tables in GitHub-flavoured Markdown (also appended to the job summary).
import type { RunResult } from '../model/index.js';
import { escapeMarkdownCell, verdictLine } from './format.js';
import { faultTable, ingestLine, integrityLine, phaseTable, scenarioLine, sloTable, targetLine, type TextTable } from './model.js';

export function renderMarkdownSummary(result: RunResult): string {
  const icon = result.error || result.interrupted ? '⚠️' : result.pass ? '✅' : '❌';
  const out: string[] = [`## ${icon} milvus-bench: ${escapeMarkdownCell(result.scenario.name)}`, '', `**${escapeMarkdownCell(verdictLine(result))}**`, ''];
  out.push(`- target: ${escapeMarkdownCell(targetLine(result))}`);
  out.push(`- scenario: ${escapeMarkdownCell(scenarioLine(result))}`);
  const ingest = ingestLine(result.ingest);
  if (ingest) out.push(`- ${escapeMarkdownCell(ingest)}`);
  const integrity = integrityLine(result.integrity);
  if (integrity) out.push(`- ${escapeMarkdownCell(integrity)}`);
  if (result.slo.length > 0) out.push('', '### SLOs', '', markdownTable(sloTable(result.slo)));
  if (result.phases.length > 0) out.push('', '### Phases', '', markdownTable(phaseTable(result)));
  if (result.faults.length > 0) out.push('', '### Faults', '', markdownTable(faultTable(result)));
  return `${out.join('\n')}\n`;
}

export function markdownTable(table: TextTable): string {
  const row = (cells: string[]) => `| ${cells.map((c) => escapeMarkdownCell(c) || ' ').join(' | ')} |`;
  return [row(table.head), `|${table.head.map(() => ' --- ').join('|')}|`, ...table.rows.map(row)].join('\n');
}
