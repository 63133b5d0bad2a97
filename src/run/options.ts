// What the run/ entry points take. Defined here so types flow down: cli/ builds these from its flags and imports them.

/** `milvus-bench run <scenario>` */
export interface RunFlags {
  scenario: string;
  config?: string;
  target?: string;
  out?: string;
  duration?: string;
  rate?: number;
  concurrency?: number;
  workers?: number;
  quiet: boolean;
  json: boolean;
  dryRun: boolean;
  baseline?: string;
  maxRegression?: string;
  keepLocal: boolean;
}

/** `milvus-bench compare <base> <head>` */
export interface CompareFlags {
  base: string;
  head: string;
  maxRegression?: string;
  out?: string;
  json: boolean;
}
