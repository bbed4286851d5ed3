// The Python Kafka clients as test peers, each run as a child with JSON arguments (the scripts beside
// this file): Debian's python3-kafka (kafka-python 2.0.2, /usr/bin/python3), and kafka-python 3 and
// confluent-kafka from PyPI in .tools/venv (made by .ci/apache-kafka/python-venv.sh).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './apache-kafka.js';
import type { GroupMemberOutcome, RecordToProduce } from './observed.js';

export type PythonClient = 'kafka-python-debian' | 'kafka-python-pypi' | 'confluent-kafka';

const VENV_PYTHON = `${REPO_ROOT}.tools/venv/bin/python`;
const PYTHON: Record<PythonClient, string> = {
  'kafka-python-debian': '/usr/bin/python3',
  'kafka-python-pypi': VENV_PYTHON,
  'confluent-kafka': VENV_PYTHON,
};
const SCRIPT: Record<PythonClient, string> = {
  'kafka-python-debian': 'kafka_python_client.py',
  'kafka-python-pypi': 'kafka_python_client.py',
  'confluent-kafka': 'confluent_kafka_client.py',
};

export const VENV_HINT =
  'run `bash .ci/apache-kafka/python-venv.sh` (CI does) to create .tools/venv';

/** False when `client` can run (or must, in CI), else the reason to skip. */
export function pythonClientSkip(client: PythonClient): false | string {
  if (process.env.CI === 'true' || existsSync(PYTHON[client])) return false;
  return client === 'kafka-python-debian'
    ? 'Debian python3-kafka is not installed: apt-get install python3-kafka'
    : `${client} is not installed: ${VENV_HINT}`;
}

function runPython<T>(client: PythonClient, args: object, timeoutMs = 45_000): Promise<T> {
  const script = fileURLToPath(new URL(SCRIPT[client], import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON[client],
      [script, JSON.stringify(args)],
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `${client} ${JSON.stringify(args).slice(0, 200)} failed: ${error.message}\n${stderr.slice(-3000)}`,
            ),
          );
        else resolve(JSON.parse(stdout) as T);
      },
    );
  });
}

/**
 * Produces with acks=all (idempotent where the client can); returns [partition, offset] each.
 * `config`: more producer properties (confluent-kafka only: librdkafka's names).
 */
export async function pythonProduce(
  client: PythonClient,
  bootstrap: string,
  topic: string,
  records: readonly RecordToProduce[],
  config?: Record<string, string | number | boolean>,
): Promise<[number, number][]> {
  const { offsets } = await runPython<{ offsets: [number, number][] }>(client, {
    action: 'produce',
    bootstrap,
    topic,
    records,
    ...(config === undefined ? {} : { config }),
  });
  return offsets;
}

/** Reads up to `count` records as a member of `group`, commits them, leaves. */
export function pythonConsume(
  client: PythonClient,
  bootstrap: string,
  topic: string,
  group: string,
  count: number,
  timeoutMs = 15_000,
): Promise<GroupMemberOutcome> {
  return runPython<GroupMemberOutcome>(client, {
    action: 'consume',
    bootstrap,
    topic,
    group,
    count,
    timeout_ms: timeoutMs,
  });
}
