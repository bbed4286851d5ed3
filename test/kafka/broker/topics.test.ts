// Topics: Kafka's naming rules, creation on first use, CreateTopics' errors and validateOnly,
// and the read-only flag that user-offers carries.

import t from 'tap';
import { BrokerError } from '../../../src/kafka/broker/broker-errors.js';
import { TopicRegistry, topicNameProblem } from '../../../src/kafka/broker/topics.js';

t.test("topic names follow Kafka's rules", async (t) => {
  t.equal(topicNameProblem('orders.v1_x-Y'), undefined);
  t.equal(topicNameProblem('a'.repeat(249)), undefined);
  t.match(topicNameProblem('a'.repeat(250)), /longer than 249/);
  t.match(topicNameProblem(''), /empty/);
  t.match(topicNameProblem('.'), /"\."/);
  t.match(topicNameProblem('..'), /"\."/);
  t.match(topicNameProblem('a b'), /illegal/);
  t.match(topicNameProblem('é'), /illegal/);
});

t.test('getOrCreate makes a one-partition topic once', async (t) => {
  const topics = new TopicRegistry();
  const first = topics.getOrCreate('orders');
  t.equal(first.errorCode, BrokerError.NONE);
  t.equal(first.topic?.partitions.length, 1);
  t.match(first.topic?.id, /^[A-Za-z0-9_-]{22}$/);
  t.equal(topics.getOrCreate('orders').topic, first.topic);
  t.equal(topics.getOrCreate('bad name').errorCode, BrokerError.INVALID_TOPIC_EXCEPTION);
  t.same(
    topics.all().map((x) => x.name),
    ['orders'],
  );
  t.ok(topics.partition('orders', 0));
  t.equal(topics.partition('orders', 1), undefined);
  t.equal(topics.partition('nope', 0), undefined);
});

t.test('CreateTopics checks as Kafka does', async (t) => {
  const topics = new TopicRegistry({ defaultPartitions: 2, retentionBytes: 10 });
  const three = topics.create({ name: 't3', numPartitions: 3, replicationFactor: 1 });
  t.equal(three.topic?.partitions.length, 3);
  t.equal(
    topics.create({ name: 'dflt', numPartitions: -1, replicationFactor: -1 }).topic?.partitions
      .length,
    2,
  );
  t.equal(
    topics.create({ name: 't3', numPartitions: 1, replicationFactor: 1 }).errorCode,
    BrokerError.TOPIC_ALREADY_EXISTS,
  );
  t.equal(
    topics.create({ name: 'z', numPartitions: 0, replicationFactor: 1 }).errorCode,
    BrokerError.INVALID_PARTITIONS,
  );
  t.equal(
    topics.create({ name: 'z', numPartitions: -2, replicationFactor: 1 }).errorCode,
    BrokerError.INVALID_PARTITIONS,
  );
  const replicated = topics.create({ name: 'z', numPartitions: 1, replicationFactor: 3 });
  t.equal(replicated.errorCode, BrokerError.INVALID_REPLICATION_FACTOR);
  t.match(replicated.errorMessage, /only 1 broker/);
  t.equal(
    topics.create({ name: 'z', numPartitions: 1, replicationFactor: 0 }).errorCode,
    BrokerError.INVALID_REPLICATION_FACTOR,
  );
  t.equal(
    topics.create({ name: 'a/b', numPartitions: 1, replicationFactor: 1 }).errorCode,
    BrokerError.INVALID_TOPIC_EXCEPTION,
  );
  const dry = topics.create({
    name: 'dry',
    numPartitions: 4,
    replicationFactor: 1,
    validateOnly: true,
  });
  t.equal(dry.errorCode, BrokerError.NONE);
  t.equal(topics.get('dry'), undefined, 'validateOnly creates nothing');
});

t.test("names differing only by '.' and '_' collide", async (t) => {
  const topics = new TopicRegistry();
  topics.getOrCreate('a.b');
  const clash = topics.create({ name: 'a_b', numPartitions: 1, replicationFactor: 1 });
  t.equal(clash.errorCode, BrokerError.INVALID_TOPIC_EXCEPTION);
  t.match(clash.errorMessage, /collides with existing topic: a\.b/);
});

t.test('a read-only topic says so; retention reaches its partitions', async (t) => {
  const topics = new TopicRegistry({ retentionBytes: 150 });
  const offers = topics.create({
    name: 'user-offers',
    numPartitions: 1,
    replicationFactor: 1,
    readOnlyToProducers: true,
  });
  t.equal(offers.topic?.readOnlyToProducers, true);
  t.equal(topics.getOrCreate('plain').topic?.readOnlyToProducers, false);
  const log = topics.partition('plain', 0)!;
  log.append({ bytes: Buffer.alloc(100), lastOffsetDelta: 0, maxTimestamp: 0 });
  log.append({ bytes: Buffer.alloc(100), lastOffsetDelta: 0, maxTimestamp: 0 });
  t.equal(log.logStartOffset, 1);
});
