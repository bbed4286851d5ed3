// Fixed byte vectors for the coordination APIs (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup, OffsetCommit, OffsetFetch, InitProducerId, CreateTopics), derived by hand from the
// schemas of Kafka's protocol guide (kafka.apache.org/protocol "The Messages") in the versions
// librdkafka, kafkajs, kafka-python and @platformatic/kafka send.

import { meta, vector } from './api-vector.js';
import {
  arr,
  bool,
  byt,
  carr,
  cat,
  cbyt,
  cstr,
  i8,
  i16,
  i32,
  i64,
  noTags,
  str,
} from './wire-bytes.js';

// FindCoordinator (10)
vector('FindCoordinator', 'request', 2, cat(str('g'), i8(0)), { key: 'g', keyType: 0 });
vector('FindCoordinator', 'request', 4, cat(i8(0), carr(1), cstr('g'), noTags()), {
  key: '',
  coordinatorKeys: ['g'],
});
vector(
  'FindCoordinator',
  'response',
  2,
  cat(i32(0), i16(0), str(null), i32(1), str('localhost'), i32(9092)),
  { errorMessage: null, nodeId: 1, host: 'localhost', port: 9092 },
);
vector(
  'FindCoordinator',
  'response',
  4,
  cat(
    i32(0),
    carr(1),
    cstr('g'),
    i32(1),
    cstr('h'),
    i32(9092),
    i16(0),
    cstr(null),
    noTags(),
    noTags(),
  ),
  {
    coordinators: [
      { key: 'g', nodeId: 1, host: 'h', port: 9092, errorCode: 0, errorMessage: null },
    ],
  },
);

// JoinGroup (11)
vector(
  'JoinGroup',
  'request',
  5,
  cat(
    str('g'),
    i32(10000),
    i32(300000),
    str(''),
    str(null),
    str('consumer'),
    arr(1),
    str('range'),
    byt(meta),
  ),
  {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    protocols: [{ name: 'range', metadata: meta }],
    reason: null,
  },
);
vector(
  'JoinGroup',
  'request',
  0,
  cat(str('g'), i32(10000), str(''), str('consumer'), arr(1), str('range'), byt(meta)),
  { rebalanceTimeoutMs: -1 },
);
vector(
  'JoinGroup',
  'response',
  5,
  cat(
    i32(0),
    i16(0),
    i32(1),
    str('range'),
    str('m1'),
    str('m1'),
    arr(1),
    str('m1'),
    str(null),
    byt(meta),
  ),
  {
    generationId: 1,
    protocolName: 'range',
    leader: 'm1',
    members: [{ memberId: 'm1', metadata: meta }],
  },
);
vector(
  'JoinGroup',
  'response',
  7,
  cat(i32(0), i16(79), i32(-1), cstr(null), cstr(null), cstr(''), cstr('m-1'), carr(0), noTags()),
  { errorCode: 79, protocolType: null, protocolName: null, memberId: 'm-1' },
);

// SyncGroup (14)
vector(
  'SyncGroup',
  'request',
  3,
  cat(str('g'), i32(1), str('m1'), str(null), arr(1), str('m1'), byt(meta)),
  { assignments: [{ memberId: 'm1', assignment: meta }], protocolName: null },
);
vector('SyncGroup', 'response', 3, cat(i32(0), i16(0), byt(meta)), { assignment: meta });
vector(
  'SyncGroup',
  'response',
  5,
  cat(i32(0), i16(0), cstr('consumer'), cstr('range'), cbyt(meta), noTags()),
  { protocolType: 'consumer', protocolName: 'range' },
);

// Heartbeat (12)
vector('Heartbeat', 'request', 3, cat(str('g'), i32(1), str('m1'), str(null)), { generationId: 1 });
vector('Heartbeat', 'request', 4, cat(cstr('g'), i32(1), cstr('m1'), cstr(null), noTags()), {
  memberId: 'm1',
});
vector('Heartbeat', 'response', 3, cat(i32(0), i16(27)), { errorCode: 27 });
vector('Heartbeat', 'response', 0, i16(0), { throttleTimeMs: 0, errorCode: 0 }, true);

// LeaveGroup (13)
vector('LeaveGroup', 'request', 1, cat(str('g'), str('m1')), { memberId: 'm1', members: [] });
vector('LeaveGroup', 'request', 3, cat(str('g'), arr(1), str('m1'), str(null)), {
  memberId: '',
  members: [{ memberId: 'm1', groupInstanceId: null, reason: null }],
});
vector('LeaveGroup', 'response', 1, cat(i32(0), i16(0)), { errorCode: 0 });
vector('LeaveGroup', 'response', 3, cat(i32(0), i16(0), arr(1), str('m1'), str(null), i16(25)), {
  members: [{ memberId: 'm1', errorCode: 25 }],
});

// OffsetCommit (8)
vector(
  'OffsetCommit',
  'request',
  7,
  cat(
    str('g'),
    i32(1),
    str('m1'),
    str(null),
    arr(1),
    str('t'),
    arr(1),
    i32(0),
    i64(5),
    i32(-1),
    str(''),
  ),
  {
    generationIdOrMemberEpoch: 1,
    retentionTimeMs: -1,
    topics: [{ partitions: [{ committedOffset: 5, commitTimestamp: -1 }] }],
  },
);
vector(
  'OffsetCommit',
  'request',
  2,
  cat(str('g'), i32(1), str('m1'), i64(-1), arr(1), str('t'), arr(1), i32(0), i64(5), str(null)),
  { retentionTimeMs: -1, topics: [{ partitions: [{ committedMetadata: null }] }] },
);
vector('OffsetCommit', 'response', 7, cat(i32(0), arr(1), str('t'), arr(1), i32(0), i16(0)), {
  topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
});

// OffsetFetch (9)
vector(
  'OffsetFetch',
  'request',
  7,
  cat(cstr('g'), carr(1), cstr('t'), carr(1), i32(0), noTags(), bool(true), noTags()),
  { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], groups: [], requireStable: true },
);
vector('OffsetFetch', 'request', 1, cat(str('g'), arr(1), str('t'), arr(1), i32(0)), {
  requireStable: false,
});
vector(
  'OffsetFetch',
  'request',
  8,
  cat(carr(1), cstr('g'), carr(null), noTags(), bool(false), noTags()),
  {
    groupId: '',
    topics: [],
    groups: [{ groupId: 'g', topics: null, memberId: null, memberEpoch: -1 }],
  },
);
vector(
  'OffsetFetch',
  'response',
  7,
  cat(
    i32(0),
    carr(1),
    cstr('t'),
    carr(1),
    i32(0),
    i64(5),
    i32(-1),
    cstr(''),
    i16(0),
    noTags(),
    noTags(),
    i16(0),
    noTags(),
  ),
  { topics: [{ partitions: [{ committedOffset: 5, metadata: '' }] }], groups: [] },
);
vector(
  'OffsetFetch',
  'response',
  1,
  cat(arr(1), str('t'), arr(1), i32(0), i64(-1), str(null), i16(0)),
  { topics: [{ partitions: [{ committedOffset: -1, committedLeaderEpoch: -1, metadata: null }] }] },
);

// InitProducerId (22)
vector('InitProducerId', 'request', 1, cat(str(null), i32(60000)), {
  transactionalId: null,
  producerId: -1,
  producerEpoch: -1,
});
vector('InitProducerId', 'request', 4, cat(cstr(null), i32(60000), i64(-1), i16(-1), noTags()), {
  transactionTimeoutMs: 60000,
});
vector('InitProducerId', 'response', 1, cat(i32(0), i16(0), i64(1000), i16(0)), {
  producerId: 1000,
  producerEpoch: 0,
});

// CreateTopics (19)
vector(
  'CreateTopics',
  'request',
  5,
  cat(
    carr(1),
    cstr('t'),
    i32(3),
    i16(1),
    carr(0),
    carr(1),
    cstr('cleanup.policy'),
    cstr('compact'),
    noTags(),
    noTags(),
    i32(60000),
    bool(false),
    noTags(),
  ),
  {
    topics: [
      { name: 't', numPartitions: 3, configs: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  },
);
vector(
  'CreateTopics',
  'request',
  0,
  cat(arr(1), str('t'), i32(-1), i16(-1), arr(0), arr(0), i32(1000)),
  {
    validateOnly: false,
  },
);
vector(
  'CreateTopics',
  'response',
  5,
  cat(
    i32(0),
    carr(1),
    cstr('t'),
    i16(36),
    cstr('exists'),
    i32(-1),
    i16(-1),
    carr(null),
    noTags(),
    noTags(),
  ),
  { topics: [{ errorCode: 36, errorMessage: 'exists', configs: null, topicConfigErrorCode: 0 }] },
);
vector('CreateTopics', 'response', 0, cat(arr(1), str('t'), i16(0)), {
  topics: [{ name: 't', errorMessage: '' }],
});
