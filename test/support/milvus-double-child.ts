// Child-process entry of the Milvus double: options as argv[2] JSON; prints {"listening":port}, then answers
// one JSON command per stdin line ({inject}, {clear}, {calls}) with one {"reply":…} line.
import { createInterface } from 'node:readline';
import { startMilvusDouble } from './milvus-double.js';
import type { MilvusDoubleOptions } from './milvus-double.js';

const options = JSON.parse(process.argv[2] ?? '{}') as MilvusDoubleOptions;
const double = await startMilvusDouble(options);
process.stdout.write(`${JSON.stringify({ listening: double.port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { inject?: Parameters<typeof double.inject>[0]; clear?: boolean; calls?: boolean };
  if (command.inject) double.inject(command.inject);
  if (command.clear) double.clear();
  process.stdout.write(`${JSON.stringify({ reply: command.calls ? double.calls : true })}\n`);
});
process.stdin.on('end', () => process.exit(0));
