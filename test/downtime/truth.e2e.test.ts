// Failover downtime through the CLI against outages whose real times the truth proxy logged (its clock, not the
// tool's records): refusals, hangs shorter and longer than the timeout, open loop through a hang, degraded service,
// a relapse, outages in sequence and overlapping, an outage outlasting the load, a failing and a harmless command.
// ~12 CLI runs of 6–8 s of load each against one local cluster: about 2.5 minutes in all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultResult } from '../../src/report/index.js';
import { ctl, runCase, startTruthBed, type CaseRun, type Outage, type TruthBed } from './truth-harness.js';

const TOLERANCE_MS = 150;
let bed: TruthBed;

beforeAll(async () => {
  bed = await startTruthBed('truth');
}, 120_000);

afterAll(async () => {
  await bed?.close();
});

const lengthOf = (o: Outage) => o.toMs! - o.fromMs;
const exec = (at: string, command: string, extra = '') => `{ at: '${at}', action: 'exec', target: { role: 'proxy', pick: 'one' }, command: ${JSON.stringify(command)}${extra} }`;
const closed = (duration: string, timeout = '2s') => `phases: [{ name: 'load', duration: '${duration}', concurrency: 4, timeout: '${timeout}' }]`;
const outage = (mode: string, ms: number, extra = '') => `/outage?mode=${mode}&ms=${ms}${extra}`;

function expectDowntime(run: CaseRun, fault: FaultResult, truthMs: number): void {
  const since = (ms: number | null) => (ms === null ? null : ms - run.result.loadStartEpochMs!);
  const truth = run.truth.map((o) => `${since(o.fromMs)}…${since(o.toMs)}`).join(', ');
  const why = `${run.output}\ntruth ${truthMs} ms (outages ${truth} ms after load start), measured ${fault.downtimeMs} ms (${JSON.stringify(fault.disruption)})`;
  expect(fault.downtimeMs, why).not.toBeNull();
  expect(Math.abs(fault.downtimeMs! - truthMs), why).toBeLessThanOrEqual(TOLERANCE_MS);
}

describe('downtime against a truth proxy (local cluster behind it)', () => {
  it('a fault that breaks nothing: no effect observed, 0 ms, exit 0 (also creates the collection)', async () => {
    const run = await runCase(bed, 'harmless', `${closed('5s')}, faults: [${exec('2s', 'true')}], slo: { downtime: '<1s' }`);
    expect(run.code, run.output).toBe(0);
    expect(run.result.faults[0]).toMatchObject({ status: 'no-effect', downtimeMs: 0, recovered: true, note: 'no effect observed' });
  });

  it.each([1000, 3000])('a clean refusal of %i ms', async (ms) => {
    const run = await runCase(bed, `refuse-${ms}`, `${closed('7s')}, faults: [${exec('2s', ctl(bed.proxy, outage('refuse', ms)))}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expect(run.truth).toHaveLength(1);
    expectDowntime(run, fault!, lengthOf(run.truth[0]!));
    expect(fault).toMatchObject({ status: 'recovered', recovered: true, relapses: [], overlapping: false });
    expect(fault!.disruption!.failed).toBeGreaterThan(0);
    expect(fault!.resolutionMs).toBeGreaterThan(0);
  });

  it('a fault call that returns 1 s after the outage began: the clock is the call start', async () => {
    const run = await runCase(bed, 'late-return', `${closed('7s')}, faults: [${exec('2s', `${ctl(bed.proxy, outage('refuse', 2000))} && sleep 1`)}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expect(fault!.injectCallMs).toBeGreaterThanOrEqual(1000);
    expectDowntime(run, fault!, lengthOf(run.truth[0]!));
    expect(fault!.effectLagMs!).toBeLessThan(fault!.injectCallMs!);
  });

  it('a hang shorter than the timeout: slow replies are downtime', async () => {
    const run = await runCase(bed, 'hang-short', `${closed('7s', '5s')}, faults: [${exec('2s', ctl(bed.proxy, outage('hold', 2000)))}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expectDowntime(run, fault!, lengthOf(run.truth[0]!));
    expect(fault!.disruption).toMatchObject({ timedOut: 0 });
    expect(fault!.disruption!.slow).toBeGreaterThan(0);
  });

  it('a hang longer than the timeout: timeouts from their start to their deadline, held replies to the release', async () => {
    const run = await runCase(bed, 'hang-long', `${closed('8s', '1s')}, faults: [${exec('2s', ctl(bed.proxy, outage('hold', 3000)))}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expectDowntime(run, fault!, lengthOf(run.truth[0]!));
    expect(fault!.disruption!.timedOut).toBeGreaterThan(0);
  });

  it('open loop at 50/s through a 2 s hang: the in-flight cap drops requests, and they count', async () => {
    const phases = `phases: [{ name: 'load', duration: '7s', rate: 50, maxInFlight: 25, timeout: '5s' }]`;
    const run = await runCase(bed, 'open-hang', `${phases}, faults: [${exec('2s', ctl(bed.proxy, outage('hold', 2000)))}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expectDowntime(run, fault!, lengthOf(run.truth[0]!));
    expect(fault!.disruption!.dropped).toBeGreaterThan(30);
    expect(fault!.resolutionMs!).toBeLessThanOrEqual(30);
  });

  it('degraded but answering (every chunk +75 ms each way for 3 s): no downtime, the latency shows it', async () => {
    const run = await runCase(bed, 'degraded', `${closed('7s')}, faults: [${exec('2s', ctl(bed.proxy, outage('slow', 3000, '&slowMs=75')))}], slo: { downtime: '<1s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expect(fault).toMatchObject({ status: 'no-effect', downtimeMs: 0 });
    expect(fault!.impact!.during.p99!).toBeGreaterThan(fault!.impact!.before.p99! + 100);
  });

  it('one relapse 3 s after recovery is reported apart and does not stretch the first disruption', async () => {
    const command = ctl(bed.proxy, outage('refuse', 1000), outage('refuse', 300, '&delayMs=4000'));
    const run = await runCase(bed, 'relapse', `${closed('10s')}, faults: [${exec('2s', command)}], slo: { downtime: '<2s' }`);
    expect(run.code, run.output).toBe(0);
    const [fault] = run.result.faults;
    expect(run.truth).toHaveLength(2);
    expectDowntime(run, fault!, lengthOf(run.truth[0]!));
    expect(fault!.relapses).toHaveLength(1);
    expect(Math.abs(fault!.relapses[0]!.downtimeMs - lengthOf(run.truth[1]!))).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(Math.abs(fault!.relapses[0]!.atMs - (run.truth[1]!.fromMs - run.result.loadStartEpochMs!))).toBeLessThanOrEqual(TOLERANCE_MS);
  });

  it('two outages 3 s apart, two faults: each measured alone, the first not stretched to the second', async () => {
    const faults = [exec('2s', ctl(bed.proxy, outage('refuse', 1000))), exec('5s', ctl(bed.proxy, outage('refuse', 1000)))];
    const run = await runCase(bed, 'sequence', `${closed('9s')}, faults: [${faults.join(', ')}], slo: { downtime: '<2s' }`);
    expect(run.code, run.output).toBe(0);
    expect(run.truth).toHaveLength(2);
    run.result.faults.forEach((fault, i) => {
      expectDowntime(run, fault, lengthOf(run.truth[i]!));
      expect(fault).toMatchObject({ status: 'recovered', relapses: [], overlapping: false });
    });
  });

  it('overlapping faults: the second begins inside the first outage; both marked, the span is the union', async () => {
    const faults = [exec('2s', ctl(bed.proxy, outage('refuse', 3000))), exec('3s', ctl(bed.proxy, outage('refuse', 1000)))];
    const run = await runCase(bed, 'overlap', `${closed('9s')}, faults: [${faults.join(', ')}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(0);
    const union = Math.max(...run.truth.map((o) => o.toMs!)) - Math.min(...run.truth.map((o) => o.fromMs));
    for (const fault of run.result.faults) {
      expect(fault.overlapping).toBe(true);
      expectDowntime(run, fault, union);
    }
  });

  it('an outage that outlasts the load: not recovered, a lower bound, every downtime SLO fails: exit 3', async () => {
    const run = await runCase(bed, 'outlasts', `${closed('5s')}, faults: [${exec('2s', ctl(bed.proxy, outage('refuse', 20_000)))}], slo: { downtime: '<1m' }`);
    expect(run.code, run.output).toBe(3);
    const [fault] = run.result.faults;
    const loadEndMs = run.result.loadStartEpochMs! + run.result.phases[0]!.durationMs;
    expect(fault).toMatchObject({ status: 'unrecovered', recovered: false });
    expect(fault!.downtimeMs!).toBeGreaterThanOrEqual(loadEndMs - run.truth[0]!.fromMs - TOLERANCE_MS);
    expect(run.result.slo.find((s) => s.key === 'downtime')).toMatchObject({ pass: false, message: 'not recovered: the downtime is a lower bound' });
    expect(run.output).toMatch(/≥ \d\.\d\d s \(not recovered\)/);
  });

  it('a failing fault command: status failed, no downtime figure, exit 4 (not an SLO breach)', async () => {
    const run = await runCase(bed, 'failing', `${closed('5s')}, faults: [${exec('2s', 'echo no such outage >&2; exit 3')}], slo: { downtime: '<5s' }`);
    expect(run.code, run.output).toBe(4);
    const [fault] = run.result.faults;
    expect(fault).toMatchObject({ status: 'failed', injection: 'failed', downtimeMs: null });
    expect(run.result.error).toMatch(/no such outage/);
  });
});
