// The real cluster's message queue: a single-node Kafka in KRaft mode from Maven Central jars (fetched once with
// mvn into a cache shared by every data dir), its storage formatted under the data dir, a small JVM.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TargetError } from '../../errors.js';

const run = promisify(execFile);

export const KAFKA_VERSION = '3.6.2';
const JARS = [
  ['org.apache.kafka', 'kafka_2.13', KAFKA_VERSION],
  ['org.slf4j', 'slf4j-reload4j', '1.7.36'],
  ['ch.qos.reload4j', 'reload4j', '1.2.25'],
] as const;
const JVM_FLAGS = ['-Xmx256m', '-Xms64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.awt.headless=true'];

export interface KafkaPorts {
  broker: number;
  controller: number;
}

/** Where jars and the unpacked Milvus binary are cached between runs ($MILVUS_BENCH_CACHE or ~/.cache/milvus-bench). */
export function cacheRoot(): string {
  return process.env.MILVUS_BENCH_CACHE ?? join(homedir(), '.cache', 'milvus-bench');
}

/** The directory holding Kafka's runtime jars; downloads them with mvn on first use (a few seconds). */
export async function ensureKafkaJars(cache = cacheRoot()): Promise<string> {
  const dir = join(cache, `kafka-${KAFKA_VERSION}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'milvus-bench-kafka-'));
  const staging = `${dir}.tmp-${process.pid}`;
  try {
    await writeFile(join(work, 'pom.xml'), kafkaPom());
    await run('mvn', ['-q', '-B', '-f', join(work, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'], { timeout: 600_000 });
    await writeFile(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return dir;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string };
    const why = e.code === 'ENOENT' ? 'mvn is not installed (apt-get install maven)' : (e.stdout?.split('\n').find((l) => l.includes('ERROR')) ?? e.message.split('\n')[0]);
    throw new TargetError(`cannot fetch the Kafka ${KAFKA_VERSION} jars from Maven Central into ${dir}: ${why}`);
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

function kafkaPom(): string {
  const deps = JARS.map(([g, a, v]) => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`).join('\n    ');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>milvus-bench</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`;
}

export const kafkaDir = (dataDir: string): string => join(dataDir, 'kafka');
const propertiesFile = (dataDir: string): string => join(kafkaDir(dataDir), 'server.properties');

/** Writes server.properties (ports change on every `up`) and formats the storage once, keeping its cluster id. */
export async function prepareKafka(dataDir: string, jarsDir: string, javaBin: string, ports: KafkaPorts): Promise<void> {
  const dir = kafkaDir(dataDir);
  await mkdir(join(dir, 'logs'), { recursive: true });
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
    `listeners=PLAINTEXT://127.0.0.1:${ports.broker},CONTROLLER://127.0.0.1:${ports.controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.broker}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'logs')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    // Milvus sends a whole insert batch as one message (5000 x 128 floats = 2.6 MB); Kafka's default cap is 1 MB
    'message.max.bytes=67108864',
    'replica.fetch.max.bytes=67108864',
    // a restarted broker cannot register until the killed one's session expires (default 9 s)
    'broker.session.timeout.ms=3000',
    'broker.heartbeat.interval.ms=500',
  ];
  await writeFile(propertiesFile(dataDir), `${properties.join('\n')}\n`);
  await writeFile(join(dir, 'log4j.properties'), LOG4J);
  const idFile = join(dir, 'cluster-id');
  if (existsSync(join(dir, 'logs', 'meta.properties'))) return;
  const id = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : newClusterId();
  await writeFile(idFile, `${id}\n`);
  try {
    await run(javaBin, [...JVM_FLAGS, ...log4jFlag(dataDir), '-cp', classpath(jarsDir), 'kafka.tools.StorageTool', 'format', '-t', id, '-c', propertiesFile(dataDir), '--ignore-formatted'], { timeout: 60_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'java is not installed (apt-get install openjdk-17-jre-headless)' : (e.stderr?.trim().split('\n').at(-1) ?? e.message);
    throw new TargetError(`cannot format the Kafka storage in ${dir}: ${why}`);
  }
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. One that starts with '-' (1 in 64)
 * reads as an option to kafka-storage ("argument --cluster-id/-t: expected one argument"): Kafka redraws those too. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`;

const classpath = (jarsDir: string): string => `${jarsDir}/*`;
const log4jFlag = (dataDir: string): string[] => [`-Dlog4j.configuration=file:${join(kafkaDir(dataDir), 'log4j.properties')}`];

export function kafkaArgv(dataDir: string, jarsDir: string, javaBin: string): string[] {
  return [javaBin, ...JVM_FLAGS, ...log4jFlag(dataDir), '-cp', classpath(jarsDir), 'kafka.Kafka', propertiesFile(dataDir)];
}
