// Consumer groups and topics administration through the server, in the versions clients send:
// JoinGroup v5 with KIP-394's round trip, SyncGroup, Heartbeat, OffsetCommit/OffsetFetch (v8's
// batch of groups), LeaveGroup before and after v3, CreateTopics.

import t from 'tap';
import { ErrorCode } from '../../../src/kafka/protocol/index.js';
import { brokerWithClient, metadataRequest } from './broker-fixtures.js';

const join = (memberId: string) => ({
  groupId: 'g',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 20_000,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from([1, 2, 3]) }],
  reason: null,
});

t.test('a consumer through join, sync, heartbeat, commit, fetch and leave', async (t) => {
  const { client } = await brokerWithClient(t, { initialRebalanceDelayMs: 10 });
  await client.request(3, 9, metadataRequest(['t']));
  const first = await client.request(11, 5, join(''), 'rdkafka');
  t.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  t.match(first.memberId, /^rdkafka-/);
  const joined = await client.request(11, 5, join(first.memberId));
  t.equal(joined.errorCode, ErrorCode.NONE);
  t.equal(joined.generationId, 1);
  t.equal(joined.leader, first.memberId);
  t.equal(joined.protocolName, 'range');
  t.same(
    joined.members.map((m) => [m.memberId, Buffer.from(m.metadata).toString('hex')]),
    [[first.memberId, '010203']],
  );
  const member = { groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: null };
  const synced = await client.request(14, 3, {
    ...member,
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId: first.memberId, assignment: Buffer.from('mine') }],
  });
  t.equal(synced.errorCode, ErrorCode.NONE);
  t.equal(Buffer.from(synced.assignment).toString(), 'mine');
  t.equal((await client.request(12, 3, member)).errorCode, ErrorCode.NONE);
  t.equal(
    (await client.request(12, 3, { ...member, generationId: 0 })).errorCode,
    ErrorCode.ILLEGAL_GENERATION,
  );
  const commit = await client.request(8, 7, {
    groupId: 'g',
    generationIdOrMemberEpoch: 1,
    memberId: first.memberId,
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 5,
            committedLeaderEpoch: 0,
            commitTimestamp: -1,
            committedMetadata: 'md',
          },
        ],
      },
    ],
  });
  t.equal(commit.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
  const fetched = await client.request(9, 7, {
    groupId: 'g',
    topics: [{ name: 't', partitionIndexes: [0, 1] }],
    groups: [],
    requireStable: true,
  });
  t.same(
    fetched.topics?.[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]),
    [
      [0, 5, 'md'],
      [1, -1, ''],
    ],
  );
  const all = await client.request(9, 2, {
    groupId: 'g',
    topics: null,
    groups: [],
    requireStable: false,
  });
  t.same(
    all.topics?.map((x) => x.name),
    ['t'],
  );
  const batch = await client.request(9, 8, {
    groupId: '',
    topics: null,
    requireStable: false,
    groups: [
      { groupId: 'g', memberId: null, memberEpoch: -1, topics: null },
      {
        groupId: 'other',
        memberId: null,
        memberEpoch: -1,
        topics: [{ name: 't', partitionIndexes: [0] }],
      },
    ],
  });
  t.same(
    batch.groups?.map((g) => [g.groupId, g.topics[0]?.partitions[0]?.committedOffset]),
    [
      ['g', 5],
      ['other', -1],
    ],
  );
  const left = await client.request(13, 1, { groupId: 'g', memberId: first.memberId, members: [] });
  t.equal(left.errorCode, ErrorCode.NONE);
  const again = await client.request(13, 1, {
    groupId: 'g',
    memberId: first.memberId,
    members: [],
  });
  t.equal(
    again.errorCode,
    ErrorCode.UNKNOWN_MEMBER_ID,
    'before v3 the member error is the response error',
  );
  const v3 = await client.request(13, 3, {
    groupId: 'g',
    memberId: '',
    members: [{ memberId: 'ghost', groupInstanceId: null, reason: null }],
  });
  t.equal(v3.errorCode, ErrorCode.NONE);
  t.same(
    v3.members?.map((m) => m.errorCode),
    [ErrorCode.UNKNOWN_MEMBER_ID],
  );
});

t.test(
  'JoinGroup v0 (no rebalance timeout) and a v2 join answered without the member id round trip',
  async (t) => {
    const { client } = await brokerWithClient(t, { initialRebalanceDelayMs: 10 });
    const v0 = await client.request(11, 0, join(''));
    t.equal(v0.errorCode, ErrorCode.NONE, 'before v4 a first join is accepted at once');
    t.equal(v0.generationId, 1);
    const mismatch = await client.request(11, 2, {
      ...join(''),
      protocols: [{ name: 'other', metadata: Buffer.alloc(0) }],
    });
    t.equal(mismatch.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    t.equal(mismatch.protocolName, '');
    const sync = await client.request(14, 1, {
      groupId: 'nope',
      generationId: 1,
      memberId: 'x',
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    t.equal(sync.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  },
);

t.test('CreateTopics: created, refused, validateOnly, manual assignment', async (t) => {
  const { client, broker } = await brokerWithClient(t);
  const topic = (
    name: string,
    numPartitions: number,
    replicationFactor = 1,
    assignments: any[] = [],
  ) => ({ name, numPartitions, replicationFactor, assignments, configs: [] });
  const response = await client.request(19, 7, {
    timeoutMs: 1000,
    validateOnly: false,
    topics: [
      topic('three', 3),
      topic('repl', 1, 3),
      topic('zero', 0),
      topic('dup', 1),
      topic('dup', 1),
      topic('manual', -1, -1, [
        { partitionIndex: 0, brokerIds: [1] },
        { partitionIndex: 1, brokerIds: [1] },
      ]),
      topic('elsewhere', -1, -1, [{ partitionIndex: 0, brokerIds: [2] }]),
      topic('both', 2, 1, [{ partitionIndex: 0, brokerIds: [1] }]),
    ],
  });
  t.same(
    response.topics.map((x) => [x.name, x.errorCode, x.numPartitions]),
    [
      ['three', ErrorCode.NONE, 3],
      ['repl', ErrorCode.INVALID_REPLICATION_FACTOR, -1],
      ['zero', ErrorCode.INVALID_PARTITIONS, -1],
      ['dup', ErrorCode.INVALID_REQUEST, -1],
      ['dup', ErrorCode.INVALID_REQUEST, -1],
      ['manual', ErrorCode.NONE, 2],
      ['elsewhere', ErrorCode.INVALID_REPLICA_ASSIGNMENT, -1],
      ['both', ErrorCode.INVALID_REQUEST, -1],
    ],
  );
  t.equal(broker.topics.get('three')?.partitions.length, 3);
  const again = await client.request(19, 4, {
    timeoutMs: 1000,
    validateOnly: true,
    topics: [topic('three', 1), topic('dry', 2)],
  });
  t.same(
    again.topics.map((x) => x.errorCode),
    [ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.NONE],
  );
  t.equal(broker.topics.get('dry'), undefined);
});
