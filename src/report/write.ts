// Writes every report of a run into one folder; result.json atomically so a reader never sees half a file.
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../model/index.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdownSummary } from './markdown.js';

export interface ReportFiles {
  json: string;
  html: string;
  junit: string;
  markdown: string;
}

export interface WriteReportsOptions {
  /** false when re-rendering from an existing result.json (`milvus-bench report`) */
  rewriteJson?: boolean;
  /** where GITHUB_STEP_SUMMARY is read from; process.env by default */
  env?: NodeJS.ProcessEnv;
}

export async function writeReports(result: RunResult, dir: string, options: WriteReportsOptions = {}): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    json: join(dir, 'result.json'),
    html: join(dir, 'report.html'),
    junit: join(dir, 'junit.xml'),
    markdown: join(dir, 'summary.md'),
  };
  if (options.rewriteJson !== false) await writeFileAtomic(files.json, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderMarkdownSummary(result);
  await Promise.all([writeFile(files.html, renderHtml(result)), writeFile(files.junit, renderJunit(result)), writeFile(files.markdown, markdown)]);
  const stepSummary = (options.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (stepSummary) await appendFile(stepSummary, `${markdown}\n`);
  return files;
}

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
