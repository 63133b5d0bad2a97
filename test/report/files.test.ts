import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJunit, writeFileAtomic, writeReports } from '../../src/report/index.js';
import { buildInterruptedResult, buildRunResult, buildSetupErrorResult, HOSTILE } from './fixture.js';
import { parseXml } from './xml.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-report-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('renderJunit', () => {
  it('has one test case per SLO plus the run case, with the breach as failure: threshold vs actual', () => {
    const result = buildRunResult({ hostile: true });
    const suites = parseXml(renderJunit(result));
    expect(suites.name).toBe('testsuites');
    expect(suites.attributes).toMatchObject({ tests: '4', failures: '1', errors: '0' });
    const suite = suites.children[0];
    expect(suite.attributes.name).toBe(result.scenario.name); // hostile name survives escaping intact
    const cases = suite.children;
    expect(cases.map((c) => c.attributes.name)).toEqual(['setup and load completed', 'p99', 'errorRate', 'downtime']);
    const breach = cases[2].children[0];
    expect(breach.name).toBe('failure');
    expect(breach.attributes.message).toBe(`errorRate: threshold <0.1%, actual ${result.slo[1].display}`);
    expect(cases[1].children).toEqual([]);
  });

  it('reports a setup error as an <error> on the run case and keeps XML valid with control characters', () => {
    const result = { ...buildSetupErrorResult(), error: `bad\u0001 byte ${HOSTILE}` };
    const suites = parseXml(renderJunit(result));
    const runCase = suites.children[0].children[0];
    expect(runCase.children[0].name).toBe('error');
    expect(runCase.children[0].attributes.message).toBe(`bad byte ${HOSTILE}`);
    expect(suites.attributes.errors).toBe('1');
  });

  it('reports an interrupted run as a failure', () => {
    const runCase = parseXml(renderJunit(buildInterruptedResult())).children[0].children[0];
    expect(runCase.children[0]).toMatchObject({ name: 'failure', attributes: { type: 'Interrupted' } });
  });
});

describe('writeReports', () => {
  it('writes all four files; result.json reads back equal', async () => {
    const dir = await tempDir();
    const result = buildRunResult();
    const files = await writeReports(result, join(dir, 'nested', 'run'), { env: {} });
    expect(JSON.parse(await readFile(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(await readFile(files.html, 'utf8')).toMatch(/^<!doctype html>/);
    parseXml(await readFile(files.junit, 'utf8'));
    expect(await readFile(files.markdown, 'utf8')).toContain('### SLOs');
    expect((await readdir(join(dir, 'nested', 'run'))).sort()).toEqual(['junit.xml', 'report.html', 'result.json', 'summary.md']);
  });

  it('writes partial results (setup error, interrupted) without throwing', async () => {
    for (const result of [buildSetupErrorResult(), buildInterruptedResult()]) {
      const dir = await tempDir();
      const files = await writeReports(result, dir, { env: {} });
      expect(JSON.parse(await readFile(files.json, 'utf8')).phases.length).toBe(result.phases.length);
      expect(await readFile(files.html, 'utf8')).toContain('id="verdict"');
    }
  });

  it('appends summary.md to GITHUB_STEP_SUMMARY on every call', async () => {
    const dir = await tempDir();
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    await writeReports(buildRunResult(), join(dir, 'a'), { env: { GITHUB_STEP_SUMMARY: summary } });
    await writeReports(buildSetupErrorResult(), join(dir, 'b'), { env: { GITHUB_STEP_SUMMARY: summary } });
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# earlier step\n')).toBe(true);
    expect(text.match(/## .* milvus-bench:/g)).toHaveLength(2);
    expect(text).toContain('ERROR — the run stopped early');
  });

  it('leaves result.json alone when re-rendering', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'result.json'), 'original');
    await writeReports(buildRunResult(), dir, { rewriteJson: false, env: {} });
    expect(await readFile(join(dir, 'result.json'), 'utf8')).toBe('original');
  });
});

describe('writeFileAtomic', () => {
  it('never lets a concurrent reader see a half-written file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'result.json');
    const big = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(4_000_000) });
    await writeFileAtomic(path, big(0));
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing && reads < 2000) {
        JSON.parse(await readFile(path, 'utf8')); // throws on a torn file
        reads++;
      }
    })();
    for (let n = 1; n <= 15; n++) await writeFileAtomic(path, big(n));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(path, 'utf8')).n).toBe(15);
    expect(await readdir(dir)).toEqual(['result.json']); // no temporary files left behind
  });

  it('removes its temporary file when the rename fails', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'result.json')); // a directory where the file should go
    await expect(writeFileAtomic(join(dir, 'result.json'), '{}')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['result.json']);
  });
});
