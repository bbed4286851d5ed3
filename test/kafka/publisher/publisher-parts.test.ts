// The publisher's small parts on their own: Apache Kafka's retry backoff (KIP-580), the error
// label and sentence taken from @platformatic/kafka's error trees, the connected/lagging rule.

import { MultipleErrors, NetworkError, ProtocolError, UserError } from '@platformatic/kafka';
import t from 'tap';
import { describeKafkaError } from '../../../src/kafka/cluster-error.js';
import { isPublishing, stateAfterSuccess } from '../../../src/kafka/publisher/publisher-state.js';
import { RetryBackoff } from '../../../src/kafka/publisher/retry-backoff.js';

t.test(
  'backoff: doubles from 100 ms to 1 s, ± 20 %, and starts over after a success',
  async (t) => {
    const middle = new RetryBackoff({ random: () => 0.5 });
    t.same(
      Array.from({ length: 6 }, () => middle.nextDelayMs()),
      [100, 200, 400, 800, 1000, 1000],
    );
    middle.reset();
    t.equal(middle.nextDelayMs(), 100);
    t.equal(new RetryBackoff({ random: () => 0 }).nextDelayMs(), 80, 'the low end of the jitter');
    t.equal(new RetryBackoff({ random: () => 0.999999 }).nextDelayMs(), 120, 'the high end');
    const custom = new RetryBackoff({ initialMs: 20, maxMs: 50, random: () => 0.5 });
    t.same([custom.nextDelayMs(), custom.nextDelayMs(), custom.nextDelayMs()], [20, 40, 50]);
  },
);

t.test('error labels: the Kafka name when the cluster gave one', async (t) => {
  const notLeader = new ProtocolError('NOT_LEADER_OR_FOLLOWER');
  const retried = new MultipleErrors('produce failed 3 times.', [
    new NetworkError('Connection to 127.0.0.1:1 failed.'),
    notLeader,
  ]);
  t.match(describeKafkaError(retried), {
    code: 'NOT_LEADER_OR_FOLLOWER',
    message: /^NOT_LEADER_OR_FOLLOWER: /,
  });
  const refused = new NetworkError('Connection to 127.0.0.1:1 failed.', {
    cause: new Error('connect ECONNREFUSED 127.0.0.1:1'),
  });
  t.same(describeKafkaError(refused), {
    code: 'NETWORK_EXCEPTION',
    message: 'Connection to 127.0.0.1:1 failed. connect ECONNREFUSED 127.0.0.1:1',
  });
  t.equal(
    describeKafkaError(new UserError('Unknown topic user-offers.')).code,
    'UNKNOWN_TOPIC_OR_PARTITION',
  );
  t.equal(describeKafkaError(new UserError('Client is closed.')).code, 'CLIENT_ERROR');
  t.equal(
    describeKafkaError({ code: 'PLT_KFK_TIMEOUT', message: 'late' }).code,
    'REQUEST_TIMED_OUT',
  );
  t.same(describeKafkaError('a string'), { code: 'CLIENT_ERROR', message: 'a string' });
});

t.test('connected or lagging: the age of the oldest event waiting', async (t) => {
  t.equal(stateAfterSuccess(undefined, 10_000, 5000), 'connected', 'nothing waits');
  t.equal(stateAfterSuccess(6000, 10_000, 5000), 'connected', 'a young event waits');
  t.equal(stateAfterSuccess(1000, 10_000, 5000), 'lagging', 'an old event waits');
  t.same((['connecting', 'connected', 'lagging', 'failing', 'closed'] as const).map(isPublishing), [
    false,
    true,
    true,
    false,
    false,
  ]);
});
