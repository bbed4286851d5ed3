// Differential: two members of one group share a 4-partition topic (made with kafkajs admin
// CreateTopics) — two kafkajs members in one group, two `kcat -G` members in another. Each group
// sees every record exactly once, split 2+2; when a member leaves, the other takes its partitions
// and reads on from the offsets committed for them; the committed offsets end at the log end.

import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import {
  kafkajsCommittedOffsets,
  kafkajsCreateTopic,
  kafkajsGroupMember,
  kafkajsProduce,
} from '../support/kafkajs-client.js';
import { kcatGroupMember } from '../support/kcat.js';
import { inLogOrder, numberedRecords, type ObservedRecord } from '../support/observed.js';
import { waitUntil } from '../support/wait-until.js';

const PARTITIONS = 4;

interface Member {
  readonly records: ObservedRecord[];
  readonly assignment: number[];
  stop(): Promise<unknown>;
}

type StartMember = (bootstrap: string, group: string, topic: string) => Promise<Member>;

const MEMBERS: [string, StartMember][] = [
  ['kafkajs', kafkajsGroupMember],
  ['kcat', async (bootstrap, group, topic) => kcatGroupMember(bootstrap, group, topic)],
];

const key = (r: ObservedRecord) => `${r.partition}/${r.offset}`;

function duplicates(records: readonly ObservedRecord[]): string[] {
  const seen = new Set<string>();
  return records.map(key).filter((k) => seen.has(k) || !seen.add(k));
}

for (const [name, startMember] of MEMBERS) {
  void forBothBrokers(
    t,
    `two ${name} members share a ${PARTITIONS}-partition topic; one leaves, the other takes over`,
    async ({ bootstrap, topic, group }) => {
      const scratch = topic(`group-${name}`);
      const groupId = group(`members-${name}`);
      const created = await kafkajsCreateTopic(bootstrap, scratch, PARTITIONS);
      const first = await startMember(bootstrap, groupId, scratch);
      const second = await startMember(bootstrap, groupId, scratch);
      const members = [first, second];
      try {
        // Both hold partitions before anything is produced, so nothing is read twice by design.
        await waitUntil(`${name} members to split ${PARTITIONS} partitions`, 30_000, () =>
          first.assignment.length > 0 &&
          second.assignment.length > 0 &&
          first.assignment.length + second.assignment.length === PARTITIONS
            ? true
            : undefined,
        );
        const split = [first.assignment, second.assignment].sort((a, b) => a[0]! - b[0]!);
        await kafkajsProduce(bootstrap, scratch, numberedRecords('round1', 16, PARTITIONS));
        await waitUntil(`${name} members to read 16 records`, 20_000, () =>
          first.records.length + second.records.length >= 16 ? true : undefined,
        );
        const round1 = [...first.records, ...second.records];

        await second.stop();
        members.pop();
        await waitUntil(`the remaining ${name} member to hold every partition`, 30_000, () =>
          first.assignment.length === PARTITIONS ? true : undefined,
        );
        const before = first.records.length;
        await kafkajsProduce(bootstrap, scratch, numberedRecords('round2', 8, PARTITIONS));
        await waitUntil(`the remaining ${name} member to read 8 more`, 20_000, () =>
          first.records.length - before >= 8 ? true : undefined,
        );
        const round2 = first.records.slice(before);
        const survivorAssignment = first.assignment; // before stop: kcat reports a revoke on close
        await first.stop();
        members.pop();
        return {
          created,
          // Which member gets which pair is the assignor's choice (it sorts random member ids).
          split: split.map((a) => a.length),
          splitCoversAll: split.flat().sort(),
          round1: inLogOrder(round1),
          round1Duplicates: duplicates(round1),
          survivorAssignment,
          round2: inLogOrder(round2),
          committed: await kafkajsCommittedOffsets(bootstrap, groupId, scratch),
        };
      } finally {
        for (const member of members) await member.stop();
      }
    },
    (t, outcome) => {
      t.equal(outcome.created, true, 'CreateTopics made the topic');
      t.same(outcome.split, [2, 2], 'the partitions are split 2 and 2');
      t.same(outcome.splitCoversAll, [0, 1, 2, 3], 'between them, every partition');
      t.equal(outcome.round1.length, 16, 'the group reads all 16 records');
      t.same(outcome.round1Duplicates, [], 'none twice');
      t.same(outcome.survivorAssignment, [0, 1, 2, 3], 'the survivor takes every partition');
      t.same(
        outcome.round2.map((r) => r.value?.split(' ')[0]),
        numberedRecords('round2', 8, PARTITIONS)
          .map((r) => [r.partition!, r.value.split(' ')[0]] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, v]) => v),
        'and reads only the records produced after the leave',
      );
      t.same(outcome.committed, { 0: 6, 1: 6, 2: 6, 3: 6 }, 'committed offsets reach the log end');
    },
  );
}
