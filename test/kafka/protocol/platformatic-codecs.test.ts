// Differential test against @platformatic/kafka's own protocol codecs (an implementation nobody
// here wrote) in the flexible versions it sends (KIP-482): its request bodies decode here, and
// response bodies encoded here parse there (kafka.apache.org/protocol "The Messages").

import * as plt from '@platformatic/kafka';
import t from 'tap';
import { kafkaApi } from '../../../src/kafka/protocol/apis/index.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { splitRecordBatches } from '../../../src/kafka/protocol/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/kafka/protocol/records.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';

/** A codec module by its file name ('producer/produce-v11' is exported as produceV11). */
const platformatic = async (path: string): Promise<any> => {
  const name = path.split('/')[1]!.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return (plt as Record<string, unknown>)[name];
};
const { Reader } = plt as any;

/** platformatic builds the request body; handwire decodes it. */
async function fromPlatformatic(path: string, apiKey: number, version: number, ...args: unknown[]) {
  const { createRequest } = await platformatic(path);
  const body: Buffer = createRequest(...args).buffer;
  const r = new KafkaReader(body);
  const decoded = (kafkaApi(apiKey)!.request as MessageCodec<any>).decode(r, version);
  if (r.remaining !== 0) throw new Error(`${path}: ${r.remaining} bytes left`);
  return decoded;
}

/** handwire encodes the response body; platformatic parses it. */
async function toPlatformatic(path: string, apiKey: number, version: number, value: unknown) {
  const { parseResponse } = await platformatic(path);
  const w = new KafkaWriter();
  (kafkaApi(apiKey)!.response as MessageCodec<any>).encode(w, version, value);
  return parseResponse(1, apiKey, version, Reader.from(w.toBuffer()));
}

t.test('ApiVersions v3 (client software name and version, tagged features)', async (t) => {
  t.same(
    await fromPlatformatic('metadata/api-versions-v3', 18, 3, '@platformatic/kafka', '1.35.0'),
    {
      clientSoftwareName: '@platformatic/kafka',
      clientSoftwareVersion: '1.35.0',
    },
  );
  const parsed = await toPlatformatic('metadata/api-versions-v3', 18, 3, {
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }],
    throttleTimeMs: 0,
    finalizedFeaturesEpoch: 3,
  });
  t.match(parsed, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }] });
});

for (const version of [9, 12]) {
  t.test(`Metadata v${version}`, async (t) => {
    t.match(
      await fromPlatformatic(`metadata/metadata-v${version}`, 3, version, ['a'], true, false),
      {
        topics: [{ name: 'a' }],
        allowAutoTopicCreation: true,
      },
    );
    const parsed = await toPlatformatic(`metadata/metadata-v${version}`, 3, version, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'handwire',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'a',
          topicId: 'AAECAwQFBgcICQoLDA0ODw',
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 0,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
        },
      ],
    });
    t.match(parsed, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
      clusterId: 'handwire',
      topics: [{ name: 'a', partitions: [{ partitionIndex: 0, leaderId: 1, replicaNodes: [1] }] }],
    });
  });
}

for (const version of [9, 11]) {
  t.test(`Produce v${version}: platformatic's record batch is valid v2 here`, async (t) => {
    const decoded = await fromPlatformatic(`producer/produce-v${version}`, 0, version, -1, 30000, [
      {
        topic: 't',
        partition: 1,
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        timestamp: 1_700_000_000_000n,
      },
    ]);
    t.match(decoded, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 't', partitionData: [{ index: 1 }] }],
    });
    const [batch] = splitRecordBatches(decoded.topicData[0].partitionData[0].records);
    const { records } = decodeRecordBatch(batch!.bytes);
    t.same(
      records.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp]),
      [['k', 'v', 1_700_000_000_000]],
    );
    const parsed = await toPlatformatic(`producer/produce-v${version}`, 0, version, {
      responses: [
        {
          name: 't',
          partitionResponses: [
            { index: 1, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: 0 },
          ],
        },
      ],
      throttleTimeMs: 0,
    });
    t.match(parsed, {
      responses: [{ name: 't', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 42n }] }],
    });
  });
}

t.test('Fetch v12: records built here parse in platformatic', async (t) => {
  const decoded = await fromPlatformatic(
    'consumer/fetch-v12',
    1,
    12,
    500,
    1,
    1048576,
    0,
    0,
    -1,
    [
      {
        topicId: 't',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 7n,
            lastFetchedEpoch: -1,
            partitionMaxBytes: 1048576,
          },
        ],
      },
    ],
    [],
    '',
  );
  t.match(decoded, {
    maxWaitMs: 500,
    sessionEpoch: -1,
    topics: [{ topic: 't', partitions: [{ fetchOffset: 7, logStartOffset: -1 }] }],
  });
  const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }], {
    baseOffset: 7,
  });
  const parsed = await toPlatformatic('consumer/fetch-v12', 1, 12, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 't',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 8,
            lastStableOffset: 8,
            logStartOffset: 0,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: batch,
          },
        ],
      },
    ],
  });
  const partition = parsed.responses[0].partitions[0];
  t.match(partition, { partitionIndex: 0, highWatermark: 8n });
  const got = JSON.stringify(partition.records, (_, v) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
  t.match(got, /"firstOffset":"7"/);
});

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

t.test('InitProducerId v3 and v5, CreateTopics v7', async (t) => {
  for (const version of [3, 5]) {
    t.match(
      await fromPlatformatic(
        `producer/init-producer-id-v${version}`,
        22,
        version,
        null,
        60000,
        -1n,
        -1,
      ),
      {
        transactionalId: null,
        producerId: -1,
        producerEpoch: -1,
      },
    );
    t.match(
      await toPlatformatic(`producer/init-producer-id-v${version}`, 22, version, {
        throttleTimeMs: 0,
        errorCode: 0,
        producerId: 5,
        producerEpoch: 0,
      }),
      { producerId: 5n, producerEpoch: 0 },
    );
  }
  t.match(
    await fromPlatformatic(
      'admin/create-topics-v7',
      19,
      7,
      [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      5000,
      false,
    ),
    { topics: [{ name: 't', numPartitions: 2 }], timeoutMs: 5000 },
  );
  const created = await toPlatformatic('admin/create-topics-v7', 19, 7, {
    throttleTimeMs: 0,
    topics: [
      {
        name: 't',
        topicId: 'AAECAwQFBgcICQoLDA0ODw',
        errorCode: 0,
        errorMessage: null,
        numPartitions: 2,
        replicationFactor: 1,
        configs: [],
      },
    ],
  });
  t.match(created, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1 }] });
});
