// Differential: committed offsets survive a client restart. Each consumer client, in a group of its
// own, reads 3 of 5 records and stops (committing what it read); 5 more are produced; started again
// in the same group it resumes right after the committed offset and reads the remaining 7.
// kafkajs cannot stop mid-batch, so it reads all 5, then the 5 new ones.

import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import {
  kafkajsCommittedOffsets,
  kafkajsGroupMember,
  kafkajsProduce,
} from '../support/kafkajs-client.js';
import { kcatGroupConsume } from '../support/kcat.js';
import { numberedRecords, type ObservedRecord } from '../support/observed.js';
import { platformaticConsume } from '../support/platformatic-client.js';
import { type PythonClient, pythonClientSkip, pythonConsume } from '../support/python-clients.js';

/** Reads `count` records (all there are, when undefined) as a member of `group`, then leaves. */
type Consume = (
  bootstrap: string,
  group: string,
  topic: string,
  count: number | undefined,
) => Promise<ObservedRecord[]>;

const python =
  (client: PythonClient): Consume =>
  async (bootstrap, group, topic, count) =>
    (await pythonConsume(client, bootstrap, topic, group, count ?? 1000, count ? 15_000 : 4000))
      .records;

const kafkajs: Consume = async (bootstrap, group, topic, count) => {
  const member = await kafkajsGroupMember(bootstrap, group, topic);
  try {
    await member.read(count ?? 1);
    return member.records.slice();
  } finally {
    await member.stop();
  }
};

const CONSUMERS: [string, Consume, number | undefined, false | string][] = [
  ['kcat', kcatGroupConsume, 3, false],
  ['kafkajs', kafkajs, 5, false],
  [
    'platformatic',
    async (bootstrap, group, topic, count) =>
      (await platformaticConsume(bootstrap, group, topic, count ?? 1000, count ? 20_000 : 4000))
        .records,
    3,
    false,
  ],
  ['confluent-kafka', python('confluent-kafka'), 3, pythonClientSkip('confluent-kafka')],
  [
    'kafka-python-debian',
    python('kafka-python-debian'),
    3,
    pythonClientSkip('kafka-python-debian'),
  ],
  ['kafka-python-pypi', python('kafka-python-pypi'), 3, pythonClientSkip('kafka-python-pypi')],
];

const offsetsOf = (records: readonly ObservedRecord[]) => records.map((r) => r.offset);

for (const [name, consume, firstCount, skip] of CONSUMERS) {
  if (skip !== false) {
    t.test(name, { skip }, async () => {});
    continue;
  }
  void forBothBrokers(
    t,
    `${name} resumes after the offset it committed`,
    async ({ bootstrap, topic, group }) => {
      const scratch = topic(`commit-${name}`);
      const groupId = group(`resume-${name}`);
      await kafkajsProduce(bootstrap, scratch, numberedRecords('first', 5));
      const firstRun = await consume(bootstrap, groupId, scratch, firstCount);
      const committedAfterFirst = await kafkajsCommittedOffsets(bootstrap, groupId, scratch);
      await kafkajsProduce(bootstrap, scratch, numberedRecords('second', 5));
      const rest = 10 - firstRun.length;
      const secondRun = await consume(
        bootstrap,
        groupId,
        scratch,
        name === 'kcat' ? undefined : rest,
      );
      return {
        firstRun,
        committedAfterFirst,
        secondRun,
        committedAfterSecond: await kafkajsCommittedOffsets(bootstrap, groupId, scratch),
      };
    },
    (t, outcome) => {
      const n = firstCount ?? 5;
      t.same(
        offsetsOf(outcome.firstRun),
        [...Array(n).keys()],
        `the first run reads offsets 0..${n - 1}`,
      );
      t.same(outcome.committedAfterFirst, { 0: n }, `and commits ${n}`);
      t.same(
        offsetsOf(outcome.secondRun),
        Array.from({ length: 10 - n }, (_, i) => n + i),
        'the second run resumes right after it, nothing read twice',
      );
      t.same(outcome.committedAfterSecond, { 0: 10 }, 'and commits the log end');
    },
  );
}
