// Where the tests find Apache Kafka: the single-node broker `.ci/apache-kafka/start.sh` runs from
// the jars `.ci/apache-kafka/install.sh` fetched. It is started once per tap run, by the first test
// file that asks for it (a lock keeps parallel files from starting two), and stopped by the run's
// `after` script (stop-after-run.ts) only if this run started it: a broker started by hand stays up.
// In CI a missing broker is a failure; locally without the jars the tests skip with one line.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childEnv } from '../../helpers/child-env.js';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const KAFKA_LIBS = `${REPO_ROOT}.tools/kafka/libs`;
export const KAFKA_RUN_DIR = `${REPO_ROOT}.tools/kafka-run`;
const LOCK = `${REPO_ROOT}.tools/kafka-run.lock`;

/** The one line a test prints when it skips because Apache Kafka is not installed. */
export const KAFKA_INSTALL_HINT =
  'Apache Kafka is not installed: run `bash .ci/apache-kafka/install.sh` (CI does)';

/** The bootstrap address of a broker started already (by this run or by hand), else undefined. */
export function apacheKafkaBootstrap(): string | undefined {
  try {
    const pid = Number(readFileSync(`${KAFKA_RUN_DIR}/pid`, 'utf8'));
    process.kill(pid, 0); // throws when the process is gone: a stale file from a killed run
    return readFileSync(`${KAFKA_RUN_DIR}/bootstrap`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** False when the tests can run (or must, in CI), else the reason to skip. */
export function apacheKafkaSkip(): false | string {
  if (process.env.CI === 'true') return false;
  if (apacheKafkaBootstrap() !== undefined || existsSync(KAFKA_LIBS)) return false;
  return KAFKA_INSTALL_HINT;
}

/** Who owns a broker started now: the tap runner (parent of every test file), or nobody. */
function owner(): string {
  return process.env.TAP === '1' ? String(process.ppid) : 'manual';
}

function lockHolderAlive(): boolean {
  try {
    process.kill(Number(readFileSync(`${LOCK}/pid`, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bootstrap address of Apache Kafka, starting it first when nothing runs yet. Throws a
 * sentence when it is not installed or does not start. Waits at most 90 s for another test
 * file that is starting it.
 */
export async function ensureApacheKafka(): Promise<string> {
  const running = apacheKafkaBootstrap();
  if (running !== undefined) return running;
  if (!existsSync(KAFKA_LIBS)) throw new Error(KAFKA_INSTALL_HINT);
  const deadline = Date.now() + 90_000;
  mkdirSync(`${REPO_ROOT}.tools`, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: exactly one file starts the broker
      break;
    } catch {
      if (!lockHolderAlive()) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 90 s for ${LOCK} (another run?)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = apacheKafkaBootstrap();
      if (started !== undefined) return started;
    }
  }
  try {
    writeFileSync(`${LOCK}/pid`, String(process.pid));
    const already = apacheKafkaBootstrap();
    if (already !== undefined) return already;
    // childEnv: start.sh picks its ports with `node -e`, which must stay out of tap's coverage.
    const { stderr } = await run('bash', [`${REPO_ROOT}.ci/apache-kafka/start.sh`], {
      timeout: 80_000,
      env: childEnv(),
    });
    writeFileSync(`${KAFKA_RUN_DIR}/owner`, owner());
    process.stderr.write(stderr);
    const bootstrap = apacheKafkaBootstrap();
    if (bootstrap === undefined) throw new Error(`start.sh ended without a broker: ${stderr}`);
    return bootstrap;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
