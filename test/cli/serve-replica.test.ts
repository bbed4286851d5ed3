// The flags of a read replica (docs/kafka-replica.md "Flags"; docs/contract.md §5): each bad one
// is one sentence naming the flag, exit code 2, nothing left listening.

import t from 'tap';
import { checkReplicaFlags, DEFAULT_REPLICA_GROUP } from '../../src/cli/serve-replica.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { runHandwire } from '../helpers/serve-process.js';

t.test('no --replica-of: not a replica', async (t) => {
  t.equal(checkReplicaFlags({}), undefined);
});

t.test('a list of brokers, the default group and topic', async (t) => {
  t.same(checkReplicaFlags({ replicaOf: '127.0.0.1:9092, [::1]:9093,kafka-1.example:19092' }), {
    bootstrapBrokers: ['127.0.0.1:9092', '[::1]:9093', 'kafka-1.example:19092'],
    group: DEFAULT_REPLICA_GROUP,
    primary: undefined,
    topic: 'user-offers',
  });
  t.same(
    checkReplicaFlags({
      replicaOf: 'localhost:9092',
      group: 'g',
      primary: 'localhost:50051',
      replicaTopic: 'staging.user-offers',
    }),
    {
      bootstrapBrokers: ['localhost:9092'],
      group: 'g',
      primary: 'localhost:50051',
      topic: 'staging.user-offers',
    },
  );
});

const bad: Array<[string, Parameters<typeof checkReplicaFlags>[0], RegExp]> = [
  [
    'an empty list entry',
    { replicaOf: '127.0.0.1:9092,' },
    /--replica-of wants host:port .* not ""/,
  ],
  ['no port', { replicaOf: 'kafka' }, /--replica-of wants host:port/],
  ['port 0', { replicaOf: 'kafka:0' }, /not "kafka:0"/],
  ['port too big', { replicaOf: 'kafka:70000' }, /not "kafka:70000"/],
  ['bare IPv6', { replicaOf: '::1:9092' }, /not "::1:9092"/],
  ['a bad --primary', { replicaOf: 'k:1', primary: 'x' }, /--primary wants host:port/],
  ['an empty group', { replicaOf: 'k:1', group: ' ' }, /--group must not be empty/],
  ['a bad topic', { replicaOf: 'k:1', replicaTopic: 'a b' }, /--replica-topic must be a Kafka/],
  ['--group alone', { group: 'g' }, /--group is for a replica: give --replica-of too/],
  ['--primary alone', { primary: 'a:1' }, /--primary is for a replica/],
  ['--demo', { replicaOf: 'k:1', demo: true }, /--demo and --replica-of do not go together/],
  [
    '--kafka-brokers',
    { replicaOf: 'k:1', kafkaBrokers: 'c:1' },
    /--kafka-brokers and --replica-of do not go together/,
  ],
];

for (const [name, flags, message] of bad) {
  t.test(`refused: ${name}`, async (t) => {
    t.throws(() => checkReplicaFlags(flags), UsageError);
    t.throws(() => checkReplicaFlags(flags), { message });
  });
}

t.test('handwire serve says it in one line and exits 2', async (t) => {
  const { code, stdout, stderr } = await runHandwire([
    'serve',
    '--port',
    '0',
    '--no-kafka',
    '--replica-of',
    'localhost',
  ]);
  t.equal(code, 2);
  t.equal(stdout, '');
  t.match(stderr, /^handwire: --replica-of wants host:port .*not "localhost"\n$/);
});
