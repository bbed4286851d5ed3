// Committed offsets: simple commits (generation -1) for groups without members, commits checked
// against member and generation otherwise, OffsetFetch with -1 for nothing committed.

import t from 'tap';
import { BrokerError } from '../../../src/kafka/broker/broker-errors.js';
import { GroupCoordinator } from '../../../src/kafka/broker/group-coordinator.js';
import {
  commitOffsets,
  fetchOffsets,
  type OffsetCommitRequest,
} from '../../../src/kafka/broker/group-offsets.js';
import { joinRequest } from './group-fixtures.js';
import { ManualClock } from './manual-clock.js';

const exists = (topic: string, partition: number) => topic !== 'missing' && partition < 2;

function commit(
  overrides: Partial<OffsetCommitRequest> = {},
  offset = 42,
  metadata: string | null = 'm',
): OffsetCommitRequest {
  return {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: 3,
            committedMetadata: metadata,
          },
        ],
      },
    ],
    ...overrides,
  };
}

const errorsOf = (result: ReturnType<typeof commitOffsets>) =>
  result.flatMap((t) => t.partitions.map((p) => p.errorCode));

t.test(
  'a simple commit creates the group; OffsetFetch reads it back, -1 for the rest',
  async (t) => {
    const coordinator = new GroupCoordinator({ clock: new ManualClock() });
    t.same(errorsOf(commitOffsets(coordinator, commit(), exists)), [BrokerError.NONE]);
    const fetched = fetchOffsets(coordinator, 'g', [{ name: 't', partitionIndexes: [0, 1] }]);
    t.same(fetched, [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 42,
            committedLeaderEpoch: 3,
            metadata: 'm',
            errorCode: 0,
          },
          {
            partitionIndex: 1,
            committedOffset: -1,
            committedLeaderEpoch: -1,
            metadata: '',
            errorCode: 0,
          },
        ],
      },
    ]);
    t.same(
      fetchOffsets(coordinator, 'g', null).map((x) => x.name),
      ['t'],
      'null topics: all',
    );
    t.same(fetchOffsets(coordinator, 'unknown', null), []);
    t.equal(
      fetchOffsets(coordinator, 'unknown', [{ name: 't', partitionIndexes: [0] }])[0]?.partitions[0]
        ?.committedOffset,
      -1,
    );
    commitOffsets(coordinator, commit({}, 50, null), exists);
    t.equal(
      fetchOffsets(coordinator, 'g', null)[0]?.partitions[0]?.metadata,
      '',
      'null metadata is stored as ""',
    );
    t.equal(fetchOffsets(coordinator, 'g', null)[0]?.partitions[0]?.committedOffset, 50);
  },
);

t.test(
  'per-partition refusals: unknown partitions and metadata over 4096 characters',
  async (t) => {
    const coordinator = new GroupCoordinator({ clock: new ManualClock() });
    const request = commit();
    const result = commitOffsets(
      coordinator,
      {
        ...request,
        topics: [
          {
            name: 'missing',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                committedMetadata: '',
              },
            ],
          },
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 5,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                committedMetadata: '',
              },
            ],
          },
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 1,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                committedMetadata: 'x'.repeat(4097),
              },
            ],
          },
        ],
      },
      exists,
    );
    t.same(errorsOf(result), [
      BrokerError.UNKNOWN_TOPIC_OR_PARTITION,
      BrokerError.UNKNOWN_TOPIC_OR_PARTITION,
      BrokerError.OFFSET_METADATA_TOO_LARGE,
    ]);
    t.equal(
      errorsOf(commitOffsets(coordinator, commit({ groupId: '' }), exists))[0],
      BrokerError.INVALID_GROUP_ID,
    );
    t.equal(
      errorsOf(
        commitOffsets(
          coordinator,
          commit({ groupId: 'never', generationId: 3, memberId: 'm' }),
          exists,
        ),
      )[0],
      BrokerError.ILLEGAL_GENERATION,
      'a generation this coordinator never had',
    );
  },
);

t.test('a group with members: only its members, in its generation, once synced', async (t) => {
  const clock = new ManualClock();
  const coordinator = new GroupCoordinator({ clock });
  const join = coordinator.joinGroup(joinRequest());
  clock.advance(100);
  const { memberId, generationId } = await join;
  const member = { memberId, generationId };
  t.equal(
    errorsOf(commitOffsets(coordinator, commit(member), exists))[0],
    BrokerError.REBALANCE_IN_PROGRESS,
    'before SyncGroup',
  );
  await coordinator.syncGroup({
    groupId: 'g',
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  t.equal(errorsOf(commitOffsets(coordinator, commit(member), exists))[0], BrokerError.NONE);
  t.equal(
    errorsOf(commitOffsets(coordinator, commit(), exists))[0],
    BrokerError.UNKNOWN_MEMBER_ID,
    'simple commits only while empty',
  );
  t.equal(
    errorsOf(commitOffsets(coordinator, commit({ memberId, generationId: 9 }), exists))[0],
    BrokerError.ILLEGAL_GENERATION,
  );
  t.equal(
    errorsOf(commitOffsets(coordinator, commit({ memberId: 'other', generationId }), exists))[0],
    BrokerError.UNKNOWN_MEMBER_ID,
  );
  clock.advance(9000);
  commitOffsets(coordinator, commit(member), exists);
  clock.advance(9000);
  t.equal(
    coordinator.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null }),
    BrokerError.NONE,
    'a commit counts as a heartbeat',
  );
  coordinator.close();
  t.equal(
    errorsOf(commitOffsets(coordinator, commit(), exists))[0],
    BrokerError.COORDINATOR_NOT_AVAILABLE,
  );
});
