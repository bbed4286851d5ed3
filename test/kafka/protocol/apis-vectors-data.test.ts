// Fixed byte vectors for the data-path APIs (ApiVersions, Metadata, Produce, Fetch, ListOffsets),
// derived by hand from the schemas of Kafka's protocol guide (kafka.apache.org/protocol "The
// Messages") in the versions real clients send: librdkafka (ApiVersions v3, Metadata v4, Produce
// v7, Fetch v11, ListOffsets v2), kafka-python (v0/v1 forms) and @platformatic/kafka (flexible).

import { batch, vector } from './api-vector.js';
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
