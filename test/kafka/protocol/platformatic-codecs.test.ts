// Differential test against @platformatic/kafka's own protocol codecs (an implementation nobody
// here wrote) in the flexible versions it sends (KIP-482): its request bodies decode here, and
// response bodies encoded here parse there (kafka.apache.org/protocol "The Messages").

import t from 'tap';
import { splitRecordBatches } from '../../../src/kafka/protocol/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/kafka/protocol/records.js';
import { fromPlatformatic, toPlatformatic } from './platformatic.js';

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
