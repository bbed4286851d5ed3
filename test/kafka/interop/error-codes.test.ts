// Differential: the errors and empty answers clients see. kafkajs admin creates a topic, then
// creates it again (TOPIC_ALREADY_EXISTS: createTopics answers false), then one with an invalid
// name (INVALID_TOPIC_EXCEPTION); a producer writes to an invalid name (not retriable); OffsetFetch
// for a group that never committed answers -1 for every partition.

import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import { kafkajsCommittedOffsets, kafkajsCreateTopic } from '../support/kafkajs-client.js';

const INVALID = 'not a valid name!';

/** What a call threw, as data: the error's class and its per-topic error types, or 'ok'. */
async function outcomeOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    const e = error as { name?: string; type?: string; errors?: { type?: string }[] };
    return { name: e.name, type: e.type, errors: e.errors?.map((x) => x.type) };
  }
}

void forBothBrokers(
  t,
  'kafkajs sees the same errors for an existing topic, invalid names and an unknown group',
  async ({ bootstrap, topic, group }) => {
    const scratch = topic('errors');
    const kafka = new Kafka({
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 },
    });
    const created = await kafkajsCreateTopic(bootstrap, scratch, 2);
    const createdAgain = await kafkajsCreateTopic(bootstrap, scratch, 2);
    const invalidCreate = await outcomeOf(() => kafkajsCreateTopic(bootstrap, INVALID, 1));
    const producer = kafka.producer();
    await producer.connect();
    let invalidProduce: unknown;
    try {
      invalidProduce = await outcomeOf(() =>
        producer.send({ topic: INVALID, acks: -1, messages: [{ value: 'x' }] }),
      );
    } finally {
      await producer.disconnect();
    }
    return {
      created,
      createdAgain,
      invalidCreate,
      invalidProduce,
      neverCommitted: await kafkajsCommittedOffsets(bootstrap, group('nobody'), scratch),
    };
  },
  (t, outcome) => {
    t.equal(outcome.created, true, 'the first CreateTopics makes the topic');
    t.equal(outcome.createdAgain, false, 'the second finds it there (TOPIC_ALREADY_EXISTS)');
    t.match(
      outcome.invalidCreate,
      { errors: ['INVALID_TOPIC_EXCEPTION'] },
      'an invalid name fails',
    );
    t.match(
      outcome.invalidProduce,
      { name: 'KafkaJSNonRetriableError' },
      'and cannot be produced to',
    );
    t.same(outcome.neverCommitted, { 0: -1, 1: -1 }, 'a group that never committed has -1');
  },
);
