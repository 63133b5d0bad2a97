// The end-of-run summary printed to the terminal (cli-table3), k6-style: phases, ingest, faults, integrity, SLOs, verdict.
import Table from 'cli-table3';
import type { RunResult } from '../model/index.js';
import { verdictLine } from './format.js';
import { faultTable, ingestLine, integrityLine, phaseTable, scenarioLine, sloTable, targetLine, type TextTable } from './model.js';

export function renderConsoleSummary(result: RunResult): string {
  const lines: string[] = [];
  lines.push(`scenario: ${scenarioLine(result)}`);
  lines.push(`target:   ${targetLine(result)}`);
  const ingest = ingestLine(result.ingest);
  if (ingest) lines.push(ingest);
  if (result.phases.length > 0) lines.push('', 'phases (latency from intended start, ms)', renderTable(phaseTable(result)));
  else lines.push('', 'no load phase ran');
  if (result.faults.length > 0) lines.push('', 'faults', renderTable(faultTable(result)));
  const integrity = integrityLine(result.integrity);
  if (integrity) lines.push('', integrity);
  if (result.slo.length > 0) lines.push('', 'SLOs', renderTable(sloTable(result.slo)));
  lines.push('', verdictLine(result));
  return lines.join('\n');
}

export function renderTable(table: TextTable): string {
  // no colours: the same text must read well in CI logs and when piped
  const out = new Table({ head: table.head, style: { head: [], border: [] } });
  for (const row of table.rows) out.push(row);
  return out.toString();
}
