// Fixed byte vectors for every API, derived by hand from the message schemas of Kafka's protocol
// guide (kafka.apache.org/protocol "The Messages"), in the versions real clients send: librdkafka
// (ApiVersions v3, Metadata v4, Produce v7, Fetch v11, JoinGroup v5, ...), kafkajs, kafka-python
// (v0/v1 forms) and @platformatic/kafka (flexible versions). Each decodes to the expected fields,
// and encoding what it decoded gives the same bytes.

import t from 'tap';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';
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
  uv,
} from './wire-bytes.js';

const api = (name: string) => KAFKA_APIS.find((a) => a.name === name)!;
const batch = Buffer.from('0123456789abcdef', 'hex');
const meta = Buffer.from([0, 1, 0, 0, 0, 1, 0, 1, 116, 0, 0, 0, 0]);

/** Decodes `bytes` as `kind` of `apiName` v`version`, matches `expected`, re-encodes exactly. */
function vector(
  apiName: string,
  kind: 'request' | 'response',
  version: number,
  bytes: Buffer,
  expected: Record<string, unknown>,
  exact = false,
) {
  t.test(`${apiName} ${kind} v${version}`, async (t) => {
    const codec = api(apiName)[kind] as MessageCodec<unknown>;
    const r = new KafkaReader(bytes);
    const decoded = codec.decode(r, version) as Record<string, unknown>;
    t.equal(r.remaining, 0, 'every byte read');
    if (exact) t.same(decoded, expected);
    else t.match(decoded, expected);
    const w = new KafkaWriter();
    codec.encode(w, version, decoded);
    t.same(w.toBuffer(), bytes, 'encodes back to the same bytes');
  });
}

// ApiVersions (18)
vector('ApiVersions', 'request', 3, cat(cstr('librdkafka'), cstr('2.0.2'), noTags()), {
  clientSoftwareName: 'librdkafka',
  clientSoftwareVersion: '2.0.2',
});
vector('ApiVersions', 'request', 0, Buffer.alloc(0), { clientSoftwareName: '' });
vector(
  'ApiVersions',
  'response',
  0,
  cat(i16(35), arr(1), i16(18), i16(0), i16(3)),
  {
    errorCode: 35,
    apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  },
  true,
);
vector(
  'ApiVersions',
  'response',
  3,
  cat(
    i16(0),
    carr(1),
    i16(0),
    i16(0),
    i16(7),
    noTags(),
    i32(0),
    // Tagged: finalizedFeaturesEpoch (tag 1) = 5 and zkMigrationReady (tag 3) = true.
    uv(2),
    uv(1),
    uv(8),
    i64(5),
    uv(3),
    uv(1),
    bool(true),
  ),
  { apiKeys: [{ apiKey: 0, maxVersion: 7 }], finalizedFeaturesEpoch: 5, zkMigrationReady: true },
);

// Metadata (3)
vector('Metadata', 'request', 0, arr(0), { topics: [], allowAutoTopicCreation: true });
vector('Metadata', 'request', 1, arr(null), { topics: null });
vector(
  'Metadata',
  'request',
  9,
  cat(carr(1), cstr('t'), noTags(), bool(true), bool(false), bool(false), noTags()),
  { topics: [{ name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: true },
);
vector(
  'Metadata',
  'response',
  4,
  cat(
    i32(0),
    arr(1),
    i32(1),
    str('localhost'),
    i32(9092),
    str(null),
    str('cluster'),
    i32(1),
    arr(1),
    i16(0),
    str('t'),
    bool(false),
    arr(1),
    i16(0),
    i32(0),
    i32(1),
    arr(1),
    i32(1),
    arr(1),
    i32(1),
  ),
  {
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'cluster',
    controllerId: 1,
    topics: [
      {
        name: 't',
        partitions: [{ leaderId: 1, leaderEpoch: -1, replicaNodes: [1], offlineReplicas: [] }],
      },
    ],
  },
);

// Produce (0)
vector(
  'Produce',
  'request',
  7,
  cat(str(null), i16(-1), i32(30000), arr(1), str('t'), arr(1), i32(0), byt(batch)),
  {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }],
  },
);
vector(
  'Produce',
  'request',
  2,
  cat(i16(1), i32(1000), arr(1), str('t'), arr(1), i32(3), byt(batch)),
  { transactionalId: null, acks: 1 },
);
vector(
  'Produce',
  'request',
  9,
  cat(
    cstr('tx'),
    i16(-1),
    i32(30000),
    carr(1),
    cstr('t'),
    carr(1),
    i32(0),
    cbyt(batch),
    noTags(),
    noTags(),
    noTags(),
  ),
  { transactionalId: 'tx', topicData: [{ partitionData: [{ records: batch }] }] },
);
vector(
  'Produce',
  'response',
  7,
  cat(arr(1), str('t'), arr(1), i32(0), i16(0), i64(42), i64(-1), i64(0), i32(0)),
  {
    responses: [
      {
        name: 't',
        partitionResponses: [
          { index: 0, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: 0 },
        ],
      },
    ],
  },
);
vector(
  'Produce',
  'response',
  10,
  cat(
    carr(1),
    cstr('t'),
    carr(1),
    i32(0),
    i16(6),
    i64(-1),
    i64(-1),
    i64(0),
    carr(0),
    cstr(null),
    // Tagged currentLeader (tag 0): leaderId 1, leaderEpoch 2, no tags of its own.
    uv(1),
    uv(0),
    uv(9),
    i32(1),
    i32(2),
    noTags(),
    noTags(),
    i32(0),
    noTags(),
  ),
  {
    responses: [
      { partitionResponses: [{ errorCode: 6, currentLeader: { leaderId: 1, leaderEpoch: 2 } }] },
    ],
  },
);

// Fetch (1)
const fetchV11Request = cat(
  i32(-1),
  i32(500),
  i32(1),
  i32(52428800),
  i8(0),
  i32(0),
  i32(-1),
  arr(1),
  str('t'),
  arr(1),
  i32(0),
  i32(-1),
  i64(5),
  i64(-1),
  i32(1048576),
  arr(0),
  str(''),
);
vector('Fetch', 'request', 11, fetchV11Request, {
  replicaId: -1,
  maxWaitMs: 500,
  maxBytes: 52428800,
  sessionEpoch: -1,
  topics: [
    {
      topic: 't',
      partitions: [{ fetchOffset: 5, partitionMaxBytes: 1048576, lastFetchedEpoch: -1 }],
    },
  ],
});
vector(
  'Fetch',
  'request',
  4,
  cat(
    i32(-1),
    i32(100),
    i32(1),
    i32(1000),
    i8(1),
    arr(1),
    str('t'),
    arr(1),
    i32(0),
    i64(0),
    i32(1000),
  ),
  { isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '' },
);
vector(
  'Fetch',
  'response',
  11,
  cat(
    i32(0),
    i16(0),
    i32(0),
    arr(1),
    str('t'),
    arr(1),
    i32(0),
    i16(0),
    i64(10),
    i64(10),
    i64(0),
    arr(null),
    i32(-1),
    byt(batch),
  ),
  {
    responses: [
      {
        topic: 't',
        partitions: [
          { highWatermark: 10, lastStableOffset: 10, abortedTransactions: null, records: batch },
        ],
      },
    ],
  },
);
vector(
  'Fetch',
  'response',
  12,
  cat(
    i32(0),
    i16(0),
    i32(0),
    carr(1),
    cstr('t'),
    carr(1),
    i32(0),
    i16(1),
    i64(10),
    i64(10),
    i64(0),
    carr(null),
    i32(-1),
    cbyt(null),
    uv(1),
    uv(1),
    uv(9),
    i32(3),
    i32(4),
    noTags(),
    noTags(),
    noTags(),
  ),
  {
    responses: [
      {
        partitions: [
          { errorCode: 1, records: null, currentLeader: { leaderId: 3, leaderEpoch: 4 } },
        ],
      },
    ],
  },
);

// ListOffsets (2)
vector(
  'ListOffsets',
  'request',
  2,
  cat(i32(-1), i8(0), arr(1), str('t'), arr(1), i32(0), i64(-1)),
  {
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0, timestamp: -1, currentLeaderEpoch: -1 }] },
    ],
  },
);
vector(
  'ListOffsets',
  'request',
  0,
  cat(i32(-1), arr(1), str('t'), arr(1), i32(0), i64(-2), i32(1)),
  {
    topics: [{ partitions: [{ timestamp: -2, maxNumOffsets: 1 }] }],
  },
);
vector(
  'ListOffsets',
  'response',
  0,
  cat(arr(1), str('t'), arr(1), i32(0), i16(0), arr(1), i64(10)),
  { topics: [{ partitions: [{ oldStyleOffsets: [10], offset: -1 }] }] },
);
vector(
  'ListOffsets',
  'response',
  2,
  cat(i32(0), arr(1), str('t'), arr(1), i32(0), i16(0), i64(-1), i64(10)),
  { topics: [{ partitions: [{ timestamp: -1, offset: 10 }] }] },
);

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
