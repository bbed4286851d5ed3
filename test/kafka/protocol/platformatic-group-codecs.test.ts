// Differential test against @platformatic/kafka's own codecs for the consumer-group APIs in the
// flexible versions it sends (FindCoordinator v4, Heartbeat v4, JoinGroup v6, SyncGroup v5,
// LeaveGroup v5, OffsetCommit v8, OffsetFetch v8; kafka.apache.org/protocol; KIP-482).

import t from 'tap';
import { fromPlatformatic, toPlatformatic } from './platformatic.js';

t.test('FindCoordinator v4, Heartbeat v4', async (t) => {
  t.match(await fromPlatformatic('metadata/find-coordinator-v4', 10, 4, 0, ['g']), {
    keyType: 0,
    coordinatorKeys: ['g'],
  });
  const found = await toPlatformatic('metadata/find-coordinator-v4', 10, 4, {
    throttleTimeMs: 0,
    coordinators: [
      { key: 'g', nodeId: 1, host: 'localhost', port: 9092, errorCode: 0, errorMessage: null },
    ],
  });
  t.match(found, { coordinators: [{ key: 'g', nodeId: 1, host: 'localhost', port: 9092 }] });
  t.match(await fromPlatformatic('consumer/heartbeat-v4', 12, 4, 'g', 3, 'm1', null), {
    generationId: 3,
    groupInstanceId: null,
  });
  t.match(
    await toPlatformatic('consumer/heartbeat-v4', 12, 4, { throttleTimeMs: 0, errorCode: 0 }),
    { errorCode: 0 },
  );
});

t.test('JoinGroup v6, SyncGroup v5, LeaveGroup v5', async (t) => {
  const metadata = Buffer.from([0, 3, 1, 2]);
  t.match(
    await fromPlatformatic(
      'consumer/join-group-v6',
      11,
      6,
      'g',
      30000,
      60000,
      '',
      null,
      'consumer',
      [{ name: 'roundrobin', metadata }],
    ),
    { groupId: 'g', rebalanceTimeoutMs: 60000, protocols: [{ name: 'roundrobin', metadata }] },
  );
  const joined = await toPlatformatic('consumer/join-group-v6', 11, 6, {
    throttleTimeMs: 0,
    errorCode: 0,
    generationId: 1,
    protocolName: 'roundrobin',
    leader: 'm1',
    memberId: 'm1',
    members: [{ memberId: 'm1', groupInstanceId: null, metadata }],
  });
  t.match(joined, {
    generationId: 1,
    protocolName: 'roundrobin',
    leader: 'm1',
    members: [{ memberId: 'm1' }],
  });
  t.match(
    await fromPlatformatic(
      'consumer/sync-group-v5',
      14,
      5,
      'g',
      1,
      'm1',
      null,
      'consumer',
      'roundrobin',
      [{ memberId: 'm1', assignment: metadata }],
    ),
    {
      protocolType: 'consumer',
      protocolName: 'roundrobin',
      assignments: [{ memberId: 'm1', assignment: metadata }],
    },
  );
  const synced = await toPlatformatic('consumer/sync-group-v5', 14, 5, {
    throttleTimeMs: 0,
    errorCode: 0,
    protocolType: 'consumer',
    protocolName: 'roundrobin',
    assignment: metadata,
  });
  t.match(synced, { protocolName: 'roundrobin' });
  t.same(Buffer.from(synced.assignment), metadata);
  t.match(
    await fromPlatformatic('consumer/leave-group-v5', 13, 5, 'g', [
      { memberId: 'm1', groupInstanceId: null, reason: 'bye' },
    ]),
    {
      members: [{ memberId: 'm1', reason: 'bye' }],
    },
  );
  t.match(
    await toPlatformatic('consumer/leave-group-v5', 13, 5, {
      throttleTimeMs: 0,
      errorCode: 0,
      members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }],
    }),
    { members: [{ memberId: 'm1' }] },
  );
});

t.test('OffsetCommit v8, OffsetFetch v8', async (t) => {
  t.match(
    await fromPlatformatic('consumer/offset-commit-v8', 8, 8, 'g', 1, 'm1', null, [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 10n,
            committedLeaderEpoch: -1,
            committedMetadata: null,
          },
        ],
      },
    ]),
    { generationIdOrMemberEpoch: 1, topics: [{ partitions: [{ committedOffset: 10 }] }] },
  );
  t.match(
    await toPlatformatic('consumer/offset-commit-v8', 8, 8, {
      throttleTimeMs: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    }),
    { topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] },
  );
  t.match(
    await fromPlatformatic(
      'consumer/offset-fetch-v8',
      9,
      8,
      [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] }],
      false,
    ),
    {
      groups: [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] }],
    },
  );
  const fetched = await toPlatformatic('consumer/offset-fetch-v8', 9, 8, {
    throttleTimeMs: 0,
    groups: [
      {
        groupId: 'g',
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 10,
                committedLeaderEpoch: -1,
                metadata: null,
                errorCode: 0,
              },
            ],
          },
        ],
        errorCode: 0,
      },
    ],
  });
  t.match(fetched, {
    groups: [{ groupId: 'g', topics: [{ partitions: [{ committedOffset: 10n }] }] }],
  });
});
