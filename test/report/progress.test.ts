import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FaultEvent } from '../../src/faults/types.js';
import { createProgressReporter, type ProgressReporterOptions } from '../../src/report/index.js';
import { buildRunResult } from './fixture.js';

function capture(options: Partial<ProgressReporterOptions> = {}) {
  let out = '';
  const stream = new Writable({ write(chunk, _enc, done) { out += String(chunk); done(); } });
  let clock = 0;
  const reporter = createProgressReporter({ stream, tty: false, quiet: false, env: {}, now: () => clock, ...options });
  return { reporter, output: () => out, advance: (ms: number) => { clock += ms; } };
}

const run = buildRunResult();
const { injection, status: _status, ...fault } = run.faults[0]!;
const record = { ...fault, status: injection };
const event = (kind: FaultEvent['kind'], message: string): FaultEvent => ({ kind, record, atMs: 0, message });

describe('createProgressReporter', () => {
  it('redraws one ingest bar in place on a TTY, with rows/s and ETA, and ends it with a newline', () => {
    const { reporter, output } = capture({ tty: true });
    reporter.ingest({ rows: 2500, total: 10000, rowsPerSec: 5000, etaMs: 1500 });
    reporter.ingest({ rows: 10000, total: 10000, rowsPerSec: 5000, etaMs: 0 });
    const text = output();
    expect(text).toContain('\r');
    expect(text).toMatch(/ingest \[███████░+\] 2,500\/10,000 rows \(25%\), 5,000 rows\/s, ETA 1\.5s/);
    expect(text).toMatch(/10,000\/10,000 rows \(100%\).*\n$/);
    expect(text.split('\n')).toHaveLength(2);
  });

  it('clears a half-drawn bar before printing a line', () => {
    const { reporter, output } = capture({ tty: true });
    reporter.ingest({ rows: 10, total: 100, rowsPerSec: 10, etaMs: 9000 });
    reporter.log('connected');
    expect(output()).toMatch(/\r\x1b\[Kconnected\n$/);
    reporter.ingest({ rows: 20, total: 100, rowsPerSec: 10, etaMs: 8000 });
    reporter.close();
    expect(output().endsWith('\n')).toBe(true);
  });

  it('prints plain ingest lines at most every few seconds without a TTY, and when CI=true even on a TTY', () => {
    for (const options of [{ tty: false }, { tty: true, env: { CI: 'true' } }]) {
      const { reporter, output, advance } = capture(options);
      for (let i = 1; i <= 10; i++) {
        reporter.ingest({ rows: i * 1000, total: 10000, rowsPerSec: 1000, etaMs: (10 - i) * 1000 });
        advance(1000);
      }
      const lines = output().trimEnd().split('\n');
      expect(output()).not.toContain('\r');
      expect(lines).toEqual([
        'ingest 1,000/10,000 rows (10%), 1,000 rows/s, ETA 9.0s',
        'ingest 6,000/10,000 rows (60%), 1,000 rows/s, ETA 4.0s',
        'ingest 10,000/10,000 rows (100%), 1,000 rows/s, ETA 0.0s',
      ]);
    }
  });

  it('prints a line per interval with elapsed time, phase, QPS, p99, errors and the active faults', () => {
    const { reporter, output } = capture();
    const outagePoint = run.timeSeries.find((p) => p.errors > 0)!;
    reporter.phase('steady', 'start');
    reporter.fault(event('injected', 'killed pid 123'));
    reporter.interval(outagePoint);
    reporter.fault(event('recovered', 'querynode-1 ready again'));
    reporter.interval(run.timeSeries.at(-1)!);
    const lines = output().trimEnd().split('\n');
    expect(lines[0]).toBe('▶ phase steady');
    expect(lines[1]).toBe('⚡ fault injected: kill querynode-1 — killed pid 123');
    expect(lines[2]).toMatch(new RegExp(`^\\[\\s*${(outagePoint.tMs / 1000).toFixed(1)}s\\] steady\\s+QPS\\s+${outagePoint.qps}(\\.0)?\\s+p99\\s+\\S+ ms\\s+errors ${outagePoint.errors}  dropped 3  faults: kill querynode-1$`));
    expect(lines[4]).not.toContain('faults:');
  });

  it('prints steps with their duration', () => {
    const { reporter, output } = capture();
    reporter.stepStart('ingest');
    reporter.step({ step: 'ingest', startMs: 0, durationMs: 6000, detail: '20000 rows' });
    expect(output()).toBe('… ingest\n✓ ingest 6.00 s — 20000 rows\n');
  });

  it('in quiet mode keeps only log lines and fault problems', () => {
    const { reporter, output } = capture({ quiet: true });
    reporter.ingest({ rows: 10, total: 10, rowsPerSec: 1, etaMs: 0 });
    reporter.step({ step: 'connect', startMs: 0, durationMs: 5 });
    reporter.interval(run.timeSeries[0]);
    reporter.fault(event('injected', 'killed'));
    reporter.fault(event('revert-failed', 'run: kill -CONT 123'));
    reporter.log('done');
    expect(output()).toBe('⚡ fault revert-failed: kill querynode-1 — run: kill -CONT 123\ndone\n');
  });
});
