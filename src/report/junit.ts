// junit.xml: one test case per SLO plus one for the run itself (setup error / interruption), for CI test tabs.
import type { RunResult } from '../model/index.js';
import { escapeXml } from './format.js';

interface JunitCase {
  classname: string;
  name: string;
  failure?: { message: string; type: string };
  error?: { message: string; type: string };
}

export function renderJunit(result: RunResult): string {
  const cases = [runCase(result), ...result.slo.map((slo): JunitCase => ({
    classname: 'milvus-bench.slo',
    name: slo.key,
    ...(slo.pass ? {} : { failure: { type: 'SloBreach', message: `${slo.key}: threshold ${slo.threshold}, actual ${slo.display || (slo.actual === null ? 'not measured' : String(slo.actual))}${slo.message ? ` (${slo.message})` : ''}` } }),
  })), ...result.faults.filter((f) => f.status === 'failed').map((fault): JunitCase => ({
    classname: 'milvus-bench.fault',
    name: `fault ${fault.index} ${fault.action} ${fault.targets.join(', ') || fault.role}`,
    error: { type: 'FaultNotInjected', message: `not injected as written: ${fault.error ?? 'unknown error'}` },
  }))];
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const seconds = durationSeconds(result);
  const suiteAttrs = `name="${escapeXml(result.scenario.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds}" timestamp="${escapeXml(result.startedAt)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="milvus-bench" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite ${suiteAttrs}>`,
    ...cases.map(renderCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function runCase(result: RunResult): JunitCase {
  const base = { classname: 'milvus-bench.run', name: 'setup and load completed' };
  if (result.error) return { ...base, error: { type: 'SetupError', message: result.error } };
  if (result.interrupted) return { ...base, failure: { type: 'Interrupted', message: 'the run was interrupted; results are partial' } };
  return base;
}

function renderCase(c: JunitCase): string {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
  const problem = c.failure ? ['failure', c.failure] as const : c.error ? ['error', c.error] as const : null;
  if (!problem) return `${open}/>`;
  const [tag, detail] = problem;
  return `${open}>\n      <${tag} message="${escapeXml(detail.message)}" type="${escapeXml(detail.type)}">${escapeXml(detail.message)}</${tag}>\n    </testcase>`;
}

function durationSeconds(result: RunResult): string {
  const ms = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : '0';
}
