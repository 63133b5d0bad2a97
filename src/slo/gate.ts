// The gates that hold whether or not the scenario writes SLOs (MEASUREMENT.md "The gate"): every injected fault
// recovered, at least one request succeeded, and the error rate outside the faults' disruptions stays low.
import type { FaultResult, RunResult, SloResult } from '../model/index.js';
import { formatMs, formatNumber } from './format.js';

/** the steady-state error rate a run may have outside its faults' disruptions when no errorRate SLO is written */
export const DEFAULT_STEADY_ERROR_RATE = 0.01;

export function faultLabel(fault: Pick<FaultResult, 'index' | 'occurrence' | 'action' | 'targets' | 'role'>): string {
  const repeat = fault.occurrence > 0 ? ` #${fault.occurrence + 1}` : '';
  return `fault ${fault.index}${repeat} (${fault.action} ${fault.targets.join(', ') || fault.role})`;
}

/** `writtenKeys`: the scenario's SLO keys; an errorRate key written there replaces the default steady-state one */
export function defaultGates(result: RunResult, writtenKeys: readonly string[]): SloResult[] {
  const gates: SloResult[] = result.faults.filter((f) => f.status !== 'failed' && f.status !== 'skipped').map(recoveryGate);
  const steady = result.steady;
  if (!steady || steady.requests + steady.good === 0) return gates;
  if (steady.good === 0) {
    gates.push({
      key: 'requests.good',
      threshold: '>0',
      actual: 0,
      pass: false,
      default: true,
      message: 'no request succeeded',
      display: 'good requests 0 > 0 ✗ (no request succeeded)',
    });
  }
  if (!writtenKeys.some((key) => key.split('.').pop() === 'errorRate') && steady.errorRate !== null) {
    const pass = steady.errorRate < DEFAULT_STEADY_ERROR_RATE;
    const shown = `${formatNumber(steady.errorRate * 100)}%`;
    gates.push({
      key: 'steady.errorRate',
      threshold: `<${DEFAULT_STEADY_ERROR_RATE * 100}%`,
      actual: Number((steady.errorRate * 100).toPrecision(6)),
      pass,
      default: true,
      display: `error rate outside disruptions ${shown} < ${DEFAULT_STEADY_ERROR_RATE * 100}% ${pass ? '✓' : '✗'}`,
      ...(pass ? {} : { message: `${steady.failed} of ${steady.requests} requests outside the faults' disruptions failed` }),
    });
  }
  return gates;
}

function recoveryGate(fault: FaultResult): SloResult {
  const pass = fault.status === 'recovered' || fault.status === 'no-effect';
  const label = faultLabel(fault);
  const base = { key: `fault.${fault.index}${fault.occurrence > 0 ? `#${fault.occurrence + 1}` : ''}.recovered`, threshold: 'recovered', default: true };
  if (fault.status === 'no-effect') return { ...base, actual: 0, pass, display: `${label}: no effect observed ✓` };
  if (pass) return { ...base, actual: fault.downtimeMs, pass, display: `${label}: recovered after ${formatMs(fault.downtimeMs ?? 0)} ✓` };
  const bound = fault.downtimeMs === null ? '' : ` (≥ ${formatMs(fault.downtimeMs)})`;
  return { ...base, actual: fault.downtimeMs, pass, message: fault.note ?? 'not recovered', display: `${label}: not recovered${bound} ✗` };
}
