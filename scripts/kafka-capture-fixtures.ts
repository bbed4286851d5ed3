// Captures what real Kafka clients send to Apache Kafka, and what it answers, as codec fixtures in
// test/kafka/fixtures/<client>-<api>-v<version>.json (hex bytes without the size prefix). Runs a
// second Apache Kafka broker (its own folder, .tools/kafka-capture) that advertises a recording
// proxy's port, so every connection a client opens goes through the proxy; each client produces
// two records and reads them back in a group. One exchange is kept per API and version, from the
// first client (in the order below) that sent it, to keep the set small; README.md lists them.
// Re-run: node --import tsx scripts/kafka-capture-fixtures.ts  (needs .ci/apache-kafka/install.sh
// and python-venv.sh).

import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../test/helpers/free-port.js';
import { REPO_ROOT } from '../test/kafka/support/apache-kafka.js';
import { type Exchange, startKafkaRecorder } from '../test/kafka/support/kafka-recorder.js';
import {
  kafkajsCreateTopic,
  kafkajsGroupMember,
  kafkajsProduce,
} from '../test/kafka/support/kafkajs-client.js';
import { kcatConsume, kcatGroupConsume, kcatProduce } from '../test/kafka/support/kcat.js';
import { numberedRecords } from '../test/kafka/support/observed.js';
import {
  platformaticConsume,
  platformaticProduce,
} from '../test/kafka/support/platformatic-client.js';
import {
  type PythonClient,
  pythonConsume,
  pythonProduce,
} from '../test/kafka/support/python-clients.js';

const run = promisify(execFile);
const FIXTURES = `${REPO_ROOT}test/kafka/fixtures/`;
const RUN_DIR = `${REPO_ROOT}.tools/kafka-capture`;
/** A fixture larger than this (request or response) is left out: they are for codec tests. */
const MAX_BYTES = 1024;
const KAFKA_VERSION = readdirSync(`${REPO_ROOT}.tools/kafka/libs`)
  .map((jar) => /^kafka_2\.13-(.*)\.jar$/.exec(jar)?.[1])
  .find((v) => v !== undefined);

const API_NAMES: Record<number, string> = {
  0: 'produce',
  1: 'fetch',
  2: 'list-offsets',
  3: 'metadata',
  8: 'offset-commit',
  9: 'offset-fetch',
  10: 'find-coordinator',
  11: 'join-group',
  12: 'heartbeat',
  13: 'leave-group',
  14: 'sync-group',
  18: 'api-versions',
  19: 'create-topics',
  22: 'init-producer-id',
};

/** What each client does through the proxy: produce two records, read them back in a group. */
const CLIENTS: [string, (bootstrap: string, topic: string) => Promise<unknown>][] = [
  [
    'kcat',
    async (bootstrap, topic) => {
      await kcatProduce(bootstrap, topic, numberedRecords('kcat', 2));
      await kcatConsume(bootstrap, topic);
      await kcatGroupConsume(bootstrap, `${topic}-group`, topic);
    },
  ],
  [
    'kafkajs',
    async (bootstrap, topic) => {
      await kafkajsCreateTopic(bootstrap, topic, 1);
      await kafkajsProduce(bootstrap, topic, numberedRecords('kafkajs', 2));
      const member = await kafkajsGroupMember(bootstrap, `${topic}-group`, topic);
      try {
        await member.read(2);
      } finally {
        await member.stop();
      }
    },
  ],
  [
    'platformatic',
    async (bootstrap, topic) => {
      await platformaticProduce(bootstrap, topic, numberedRecords('platformatic', 2));
      await platformaticConsume(bootstrap, `${topic}-group`, topic, 2);
    },
  ],
  ...(['confluent-kafka', 'kafka-python-debian', 'kafka-python-pypi'] as PythonClient[]).map(
    (client) =>
      [
        client,
        async (bootstrap: string, topic: string) => {
          await pythonProduce(client, bootstrap, topic, numberedRecords(client, 2));
          await pythonConsume(client, bootstrap, topic, `${topic}-group`, 2);
        },
      ] as [string, (bootstrap: string, topic: string) => Promise<unknown>],
  ),
];

/** The client versions the fixtures name (what `npm ci`, apt and python-venv.sh install). */
const CLIENT_VERSIONS: Record<string, string> = {
  kcat: 'kcat 1.7.1, librdkafka 2.0.2 (Debian bookworm)',
  kafkajs: 'kafkajs 2.2.4',
  platformatic: '@platformatic/kafka 1.35.0',
  'confluent-kafka': 'confluent-kafka 2.16.1, librdkafka 2.16.0 (PyPI)',
  'kafka-python-debian': 'kafka-python 2.0.2 (Debian python3-kafka)',
  'kafka-python-pypi': 'kafka-python 3.0.12 (PyPI)',
};

/**
 * One exchange per API and version not `seen` before: the first with a response, for Fetch the
 * largest that fits (the first Fetch of a consumer is often empty).
 */
function pick(exchanges: Exchange[], seen: Set<string>): Exchange[] {
  const chosen = new Map<string, Exchange>();
  for (const e of exchanges) {
    if (API_NAMES[e.apiKey] === undefined || e.response === undefined) continue;
    if (e.request.length > MAX_BYTES || e.response.length > MAX_BYTES) continue;
    const id = `${e.apiKey}/${e.apiVersion}`;
    if (seen.has(id)) continue;
    const kept = chosen.get(id);
    if (kept === undefined || (e.apiKey === 1 && e.response.length > kept.response!.length)) {
      chosen.set(id, e);
    }
  }
  for (const id of chosen.keys()) seen.add(id);
  return [...chosen.values()];
}

async function main() {
  const [brokerPort, proxyPort] = [await freePort(), await freePort()];
  const recorder = await startKafkaRecorder(proxyPort, brokerPort);
  const env = {
    ...process.env,
    KAFKA_RUN_DIR: RUN_DIR,
    KAFKA_PORT: String(brokerPort),
    KAFKA_ADVERTISED_PORT: String(proxyPort),
  };
  await run('bash', [`${REPO_ROOT}.ci/apache-kafka/start.sh`], { env, timeout: 90_000 });
  try {
    mkdirSync(FIXTURES, { recursive: true });
    for (const file of readdirSync(FIXTURES)) {
      if (file.endsWith('.json')) rmSync(FIXTURES + file);
    }
    recorder.take(); // start.sh's own probe
    let total = 0;
    const seen = new Set<string>();
    for (const [client, act] of CLIENTS) {
      await act(recorder.address, `fixture-${client}`);
      for (const e of pick(recorder.take(), seen)) {
        const name = `${client}-${API_NAMES[e.apiKey]}-v${e.apiVersion}.json`;
        const body = `${JSON.stringify(
          {
            client: CLIENT_VERSIONS[client],
            broker: `Apache Kafka ${KAFKA_VERSION}`,
            apiKey: e.apiKey,
            apiVersion: e.apiVersion,
            request: e.request.toString('hex'),
            response: e.response!.toString('hex'),
          },
          null,
          2,
        )}\n`;
        writeFileSync(FIXTURES + name, body);
        total += body.length;
        console.log(`${name}: request ${e.request.length} B, response ${e.response!.length} B`);
      }
    }
    console.log(`${(total / 1024).toFixed(1)} KiB of fixtures in ${FIXTURES}`);
  } finally {
    await run('bash', [`${REPO_ROOT}.ci/apache-kafka/stop.sh`], { env, timeout: 30_000 });
    await recorder.close();
  }
}

await main();
