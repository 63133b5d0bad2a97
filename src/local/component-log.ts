// One log line per event, timestamped; the supervisor redirects each component's stdout/stderr to its log file.
export function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}
