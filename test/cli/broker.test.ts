// `handwire broker` and the Kafka side of `handwire serve`, run as a user would (child processes):
// the address printed, a produce and fetch through it, user-offers holding serve's offer events,
// flag errors as one sentence with exit code 2, and a clean exit on SIGTERM.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ErrorCode } from '../../src/kafka/protocol/index.js';
import { childEnv } from '../helpers/child-env.js';
import { runHandwire, startServe } from '../helpers/serve-process.js';
import {
  batchOf,
  fetchRequest,
  metadataRequest,
  produceRequest,
} from '../kafka/broker/broker-fixtures.js';
import { KafkaTestClient } from '../kafka/broker/kafka-test-client.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const KAFKA_LINE = /handwire serving Kafka on ([\d.]+):(\d+)/;

/** Starts `handwire broker ARGS…` and waits for the address line. */
async function startBroker(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'broker', ...args], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address in 20 s: ${stdout}`)), 20_000);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = KAFKA_LINE.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[2]));
      }
    });
  });
  return { child, port, stdout: () => stdout };
}

t.test('handwire broker: serves produce and fetch, exits 0 on SIGTERM', async (t) => {
  const broker = await startBroker(['--port', '0', '--retention-bytes', '1000000']);
  t.teardown(() => broker.child.kill('SIGKILL'));
  const client = await KafkaTestClient.connect(broker.port);
  t.teardown(() => client.close());
  const metadata = await client.request(3, 9, metadataRequest(['cli-topic']));
  t.equal(metadata.brokers[0]?.port, broker.port, 'clients are told the bound port');
  const produced = await client.request(0, 7, produceRequest('cli-topic', batchOf(['hello'])));
  t.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.NONE);
  const fetched = await client.request(1, 11, fetchRequest('cli-topic', 0));
  t.equal(fetched.responses[0]?.partitions[0]?.highWatermark, 1);
  const all = await client.request(3, 9, metadataRequest(null));
  t.same(
    all.topics.map((x) => x.name),
    ['cli-topic'],
    'no user-offers on the bare broker',
  );
  broker.child.kill('SIGTERM');
  const [code] = (await once(broker.child, 'exit')) as [number | null];
  t.equal(code, 0);
  t.match(broker.stdout(), /SIGTERM: closing the Kafka broker/);
});

t.test(
  "handwire serve --kafka-port 0: user-offers holds the demo users' offer events",
  async (t) => {
    const serve = await startServe(['--demo']);
    t.teardown(() => serve.stop('SIGKILL'));
    const match = KAFKA_LINE.exec(serve.stdout());
    t.ok(match, 'the Kafka address is printed before the gRPC one');
    const client = await KafkaTestClient.connect(Number(match![2]));
    t.teardown(() => client.close());
    const latest = await client.request(2, 5, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 0,
      topics: [
        {
          name: 'user-offers',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 },
          ],
        },
      ],
    });
    t.equal(latest.topics[0]?.partitions[0]?.offset, 1000, 'one event per demo user');
    const forged = await client.request(0, 7, produceRequest('user-offers', batchOf(['x'])));
    t.equal(
      forged.responses[0]?.partitionResponses[0]?.errorCode,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    );
    t.match(serve.stdout(), /kcat -b 127\.0\.0\.1:\d+ -C -t user-offers -o beginning -e/);
    t.equal(await serve.stop('SIGTERM'), 0);
  },
);

t.test('a Kafka port asked for and taken stops serve; --no-kafka serves gRPC alone', async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const port = String((holder.address() as { port: number }).port);
  const taken = await runHandwire(['serve', '--port', '0', '--kafka-port', port]);
  t.equal(taken.code, 2);
  t.match(taken.stderr, new RegExp(`the Kafka port 127\\.0\\.0\\.1:${port} is in use`));
  const brokerTaken = await runHandwire(['broker', '--port', port]);
  t.equal(brokerTaken.code, 2);
  t.match(brokerTaken.stderr, /pick another with --port/);
  const serve = await startServe(['--no-kafka']);
  t.teardown(() => serve.stop('SIGKILL'));
  t.notMatch(serve.stdout(), /Kafka/);
});

t.test('Kafka flag errors are one sentence and exit code 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['broker', '--port', 'x'], /--port must be a whole number from 0 to 65535/],
    [['broker', '--retention-bytes', '0'], /--retention-bytes must be a whole number from 1/],
    [
      ['broker', '--host', '0.0.0.0'],
      /refusing to serve Kafka on 0\.0\.0\.0: the Kafka listener has no authentication/,
    ],
    [['serve', '--kafka-port', '70000'], /--kafka-port must be a whole number/],
    [
      ['serve', '--kafka-retention-bytes', 'lots'],
      /--kafka-retention-bytes must be a whole number/,
    ],
    [
      ['serve', '--host', '0.0.0.0', '--auth-secret', 'a-secret-of-enough-length'],
      /Give --insecure if you mean it, or --no-kafka/,
    ],
  ];
  // Side by side: each is a child process that exits on its own within a second or two.
  const results = await Promise.all(cases.map(([args]) => runHandwire(args)));
  for (const [i, [args, message]] of cases.entries()) {
    const result = results[i]!;
    t.equal(result.code, 2, `${args.join(' ')}: exit code 2`);
    t.match(result.stderr, message, args.join(' '));
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

t.test("Kafka's default port taken: serve warns and serves gRPC without Kafka", async (t) => {
  const holder = createServer();
  const held = await new Promise<boolean>((resolve) => {
    holder.once('error', () => resolve(false));
    holder.listen(9092, '127.0.0.1', () => resolve(true));
  });
  // Held by this test, or already by something else: either way serve finds it taken.
  t.teardown(() => {
    if (held) holder.close();
  });
  const serve = await startServe([], {}, { kafkaPort: 'default' });
  t.teardown(() => serve.stop('SIGKILL'));
  t.match(
    await serve.waitForStderr(/is in use/),
    /the Kafka port 127\.0\.0\.1:9092 is in use .*serving gRPC without Kafka/,
  );
  t.notMatch(serve.stdout(), /serving Kafka/);
});
