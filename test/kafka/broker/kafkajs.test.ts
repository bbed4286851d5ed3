// kafkajs against the broker: an idempotent producer (acks=all) and a consumer group that commits
// its offsets, so that a second member of the group resumes after what the first consumed.

import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { startKafkaBroker } from '../../../src/kafka/index.js';

/** Resolves when `check` holds, polling every 20 ms for at most `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('kafkajs produces idempotently and a group resumes from its committed offset', async (t) => {
  const broker = await startKafkaBroker({ port: 0, log: () => {} });
  t.teardown(() => broker.close());
  const kafka = new Kafka({
    clientId: 'kafkajs-test',
    brokers: [`127.0.0.1:${broker.address.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const sent = await producer.send({
    topic: 'js',
    acks: -1,
    messages: [
      { key: 'a', value: 'one' },
      { key: 'b', value: 'two' },
    ],
  });
  t.equal(sent[0]?.errorCode, 0);
  t.equal(sent[0]?.baseOffset, '0');

  const consume = async (expected: number) => {
    const seen: string[] = [];
    const consumer = kafka.consumer({
      groupId: 'js-group',
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
      // The long-poll a disconnect waits for: short, so the test does not wait 5 s twice.
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'js', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(`${message.offset}:${message.value?.toString()}`);
      },
    });
    await until(() => seen.length >= expected, 15_000, `${expected} messages`);
    await consumer.disconnect();
    return seen;
  };
  t.same(await consume(2), ['0:one', '1:two']);
  await producer.send({ topic: 'js', acks: -1, messages: [{ value: 'three' }] });
  t.same(await consume(1), ['2:three'], 'the committed offset is where the group resumes');
});
