// Differential: groups when things go wrong. A `kcat -G` member (protocols range, roundrobin) asks
// to join a group whose kafkajs member offers only RoundRobinAssigner: no protocol in common, so
// its JoinGroup is refused (INCONSISTENT_GROUP_PROTOCOL) and the kafkajs member keeps its partition.
// A kcat member killed without leaving keeps its partitions until its session times out (6 s);
// then the other member takes them and reads what is produced to them.

import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import {
  kafkajsCreateTopic,
  kafkajsGroupMember,
  kafkajsProduce,
} from '../support/kafkajs-client.js';
import { type KcatMember, kcatGroupMember } from '../support/kcat.js';
import { inLogOrder, numberedRecords } from '../support/observed.js';
import { waitUntil } from '../support/wait-until.js';

void forBothBrokers(
  t,
  'a member with no protocol in common with the group is refused',
  async ({ bootstrap, topic, group }) => {
    const scratch = topic('mixed');
    const groupId = group('mixed');
    await kafkajsProduce(bootstrap, scratch, numberedRecords('mixed', 1));
    const kafkajs = await kafkajsGroupMember(bootstrap, groupId, scratch);
    let kcat: KcatMember | undefined;
    try {
      await kafkajs.assigned();
      kcat = kcatGroupMember(bootstrap, groupId, scratch);
      // A broker still loading the group may first answer a retriable error: wait for the
      // refusal; on timeout, report the last JoinGroup failure kcat printed (or none).
      const refusal = await waitUntil(
        'kcat to report its JoinGroup refused',
        15_000,
        () => /JoinGroup failed: (.*Inconsistent group protocol.*)/.exec(kcat!.stderr)?.[1],
      ).catch(() => [...kcat!.stderr.matchAll(/JoinGroup failed: (.*)/g)].at(-1)?.[1] ?? 'none');
      return { refusal, kcatAssignment: kcat.assignment, kafkajsAssignment: kafkajs.assignment };
    } finally {
      await kcat?.stop();
      await kafkajs.stop();
    }
  },
  (t, outcome) => {
    t.equal(outcome.refusal, 'Broker: Inconsistent group protocol');
    t.same(outcome.kcatAssignment, [], 'kcat gets nothing');
    t.same(outcome.kafkajsAssignment, [0], 'the kafkajs member keeps its partition');
  },
);

void forBothBrokers(
  t,
  'a member killed without leaving loses its partitions when its session times out',
  async ({ bootstrap, topic, group }) => {
    const scratch = topic('crash');
    const groupId = group('crash');
    await kafkajsCreateTopic(bootstrap, scratch, 4);
    const survivor = kcatGroupMember(bootstrap, groupId, scratch);
    const doomed = kcatGroupMember(bootstrap, groupId, scratch);
    try {
      await waitUntil('the two kcat members to split 4 partitions', 30_000, () =>
        survivor.assignment.length === 2 && doomed.assignment.length === 2 ? true : undefined,
      );
      await doomed.kill();
      const takeover = await waitUntil('the survivor to take every partition', 30_000, () =>
        survivor.assignment.length === 4 ? survivor.assignment : undefined,
      );
      await kafkajsProduce(bootstrap, scratch, numberedRecords('after-crash', 8, 4));
      return { takeover, read: inLogOrder(await survivor.read(8)) };
    } finally {
      await doomed.kill();
      await survivor.stop();
    }
  },
  (t, outcome) => {
    t.same(outcome.takeover, [0, 1, 2, 3], 'the survivor takes every partition');
    t.equal(outcome.read.length, 8, 'and reads all that is produced to them');
  },
);
