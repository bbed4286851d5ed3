// The Apache Kafka broker the Kafka benchmark measures against: one KRaft node started by
// .ci/apache-kafka/start.sh in the benchmark's own run folder (KAFKA_RUN_DIR), so a broker the
// tests started is neither reused nor disturbed, and stopped by stop.sh when the benchmark ends.
//
// One change to how start.sh runs it: the JIT. start.sh passes -XX:TieredStopAtLevel=1 (C1 only:
// a test broker starts sooner); bench/kafka/jvm/java, put first on PATH, drops that flag so the
// benchmark measures Apache Kafka with C2 as it ships. Heap (-Xmx512m) and serial GC stay.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const JVM_WRAPPER_DIR = fileURLToPath(new URL('./jvm', import.meta.url));

export interface ApacheKafka {
  readonly bootstrap: string;
  /** The broker's JVM (its CPU time is read from /proc). */
  readonly pid: number;
  /** What start.sh printed: version, port, format and start times. */
  readonly startLine: string;
  stop(): Promise<void>;
}

/** Starts Apache Kafka with its files in `runDir` (which start.sh empties first). */
export async function startApacheKafka(runDir: string): Promise<ApacheKafka> {
  if (!existsSync(`${REPO}.tools/kafka/libs`)) {
    throw new Error(
      'Apache Kafka is not installed: run `bash .ci/apache-kafka/install.sh` (about 20 s, 43 MB)',
    );
  }
  const { stdout: realJava } = await run('sh', ['-c', 'command -v java']).catch(() => {
    throw new Error('java is not on PATH: Apache Kafka needs a JRE (apt-get install default-jre)');
  });
  const env = {
    ...process.env,
    KAFKA_RUN_DIR: runDir,
    PATH: `${JVM_WRAPPER_DIR}:${process.env.PATH ?? ''}`,
    HANDWIRE_BENCH_JAVA: realJava.trim(),
  };
  const stop = async () => {
    await run('bash', [`${REPO}.ci/apache-kafka/stop.sh`], {
      env: { ...process.env, KAFKA_RUN_DIR: runDir },
      timeout: 30_000,
    });
  };
  try {
    const { stderr } = await run('bash', [`${REPO}.ci/apache-kafka/start.sh`], {
      env,
      timeout: 120_000,
    });
    return {
      bootstrap: readFileSync(`${runDir}/bootstrap`, 'utf8').trim(),
      pid: Number(readFileSync(`${runDir}/pid`, 'utf8')),
      startLine: stderr.trim().split('\n').at(-1) ?? '',
      stop,
    };
  } catch (error) {
    await stop().catch(() => {}); // a JVM start.sh left running when it gave up waiting
    throw error;
  }
}
