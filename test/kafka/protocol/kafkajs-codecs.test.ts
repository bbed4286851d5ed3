// Differential test against kafkajs's own protocol codecs (an implementation nobody here wrote):
// the requests kafkajs 2.2.4 sends (ApiVersions v2, Metadata v6, InitProducerId v1, Produce v7,
// FindCoordinator v2, JoinGroup v5, SyncGroup v3, OffsetFetch v4, ListOffsets v3, Fetch v11,
// Heartbeat v3, OffsetCommit v5, LeaveGroup v3, CreateTopics v3) decode here, and the responses
// encoded here decode in kafkajs (kafka.apache.org/protocol "The Messages").

import { createRequire } from 'node:module';
import t from 'tap';
import { kafkaApi } from '../../../src/kafka/protocol/apis/index.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { buildRecordBatch } from '../../../src/kafka/protocol/records.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';

const require = createRequire(import.meta.url);
const kafkajs = (api: string, version: number, part: 'request' | 'response') =>
  require(`kafkajs/src/protocol/requests/${api}/v${version}/${part}.js`);

/** kafkajs builds the request body; handwire decodes it. */
async function fromKafkajs(api: string, apiKey: number, version: number, args: unknown) {
  const request = kafkajs(api, version, 'request')(args);
  const body: Buffer = (await request.encode()).buffer;
  const codec = kafkaApi(apiKey)!.request as MessageCodec<any>;
  const r = new KafkaReader(body);
  const decoded = codec.decode(r, version);
  if (r.remaining !== 0) throw new Error(`${api} v${version}: ${r.remaining} bytes left`);
  return decoded;
}

/** handwire encodes the response body; kafkajs decodes it. */
async function toKafkajs(api: string, apiKey: number, version: number, value: unknown) {
  const codec = kafkaApi(apiKey)!.response as MessageCodec<any>;
  const w = new KafkaWriter();
  codec.encode(w, version, value);
  return kafkajs(api, version, 'response').decode(w.toBuffer());
}

t.test('ApiVersions v2', async (t) => {
  t.same(await fromKafkajs('apiVersions', 18, 2, {}), {
    clientSoftwareName: '',
    clientSoftwareVersion: '',
  });
  const decoded = await toKafkajs('apiVersions', 18, 2, {
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 7 }],
    throttleTimeMs: 0,
  });
  t.match(decoded, { errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 0, maxVersion: 7 }] });
});

t.test('Metadata v6', async (t) => {
  t.match(
    await fromKafkajs('metadata', 3, 6, { topics: ['a', 'b'], allowAutoTopicCreation: false }),
    {
      topics: [{ name: 'a' }, { name: 'b' }],
      allowAutoTopicCreation: false,
    },
  );
  const decoded = await toKafkajs('metadata', 3, 6, {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
    clusterId: 'handwire',
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'a',
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: 1,
            replicaNodes: [1],
            isrNodes: [1],
            offlineReplicas: [],
          },
        ],
      },
    ],
  });
  t.match(decoded, {
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
    clusterId: 'handwire',
    controllerId: 1,
    topicMetadata: [
      { topic: 'a', partitionMetadata: [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }] },
    ],
  });
});

t.test('InitProducerId v1', async (t) => {
  t.match(
    await fromKafkajs('initProducerId', 22, 1, {
      transactionalId: null,
      transactionTimeout: 30000,
    }),
    {
      transactionalId: null,
      transactionTimeoutMs: 30000,
    },
  );
  const decoded = await toKafkajs('initProducerId', 22, 1, {
    throttleTimeMs: 0,
    errorCode: 0,
    producerId: 4000,
    producerEpoch: 2,
  });
  t.match(decoded, { producerId: '4000', producerEpoch: 2 });
});

t.test('Produce v7: kafkajs record batches arrive as raw bytes', async (t) => {
  const decoded = await fromKafkajs('produce', 0, 7, {
    acks: -1,
    timeout: 30000,
    topicData: [
      { topic: 't', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v' }] }] },
    ],
  });
  t.match(decoded, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 't', partitionData: [{ index: 2 }] }],
  });
  const records: Buffer = decoded.topicData[0].partitionData[0].records;
  t.equal(records.readInt8(16), 2, 'a magic 2 batch');
  const response = await toKafkajs('produce', 0, 7, {
    responses: [
      {
        name: 't',
        partitionResponses: [
          { index: 2, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: 0 },
        ],
      },
    ],
    throttleTimeMs: 0,
  });
  t.match(response, {
    topics: [{ topicName: 't', partitions: [{ partition: 2, errorCode: 0, baseOffset: '42' }] }],
  });
});

t.test('Fetch v11: a response carrying a batch built here', async (t) => {
  const decoded = await fromKafkajs('fetch', 1, 11, {
    replicaId: -1,
    maxWaitTime: 500,
    minBytes: 1,
    maxBytes: 10485760,
    isolationLevel: 1,
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '7', maxBytes: 1048576 }] }],
  });
  t.match(decoded, {
    replicaId: -1,
    maxWaitMs: 500,
    isolationLevel: 1,
    sessionEpoch: -1,
    topics: [
      { topic: 't', partitions: [{ partition: 0, fetchOffset: 7, partitionMaxBytes: 1048576 }] },
    ],
    rackId: '',
  });
  const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }], {
    baseOffset: 7,
  });
  const response = await toKafkajs('fetch', 1, 11, {
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
            abortedTransactions: [],
            preferredReadReplica: -1,
            records: batch,
          },
        ],
      },
    ],
  });
  const partition = response.responses[0].partitions[0];
  t.match(partition, { partition: 0, errorCode: 0, highWatermark: '8' });
  t.same(
    partition.messages.map((m: any) => [m.offset, m.key.toString(), m.value.toString()]),
    [['7', 'k', 'v']],
  );
});

t.test('ListOffsets v3', async (t) => {
  t.match(
    await fromKafkajs('listOffsets', 2, 3, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }],
    }),
    {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2 }] }],
    },
  );
  const decoded = await toKafkajs('listOffsets', 2, 3, {
    throttleTimeMs: 0,
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 12 }] },
    ],
  });
  t.match(decoded, { responses: [{ topic: 't', partitions: [{ partition: 0, offset: '12' }] }] });
});

t.test('FindCoordinator v2', async (t) => {
  t.match(
    await fromKafkajs('findCoordinator', 10, 2, { coordinatorKey: 'g', coordinatorType: 0 }),
    {
      key: 'g',
      keyType: 0,
    },
  );
  const decoded = await toKafkajs('findCoordinator', 10, 2, {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    nodeId: 1,
    host: 'localhost',
    port: 9092,
  });
  t.match(decoded, { errorCode: 0, coordinator: { nodeId: 1, host: 'localhost', port: 9092 } });
});

t.test('JoinGroup v5 and SyncGroup v3: opaque metadata and assignments intact', async (t) => {
  const metadata = Buffer.from([0, 1, 2, 3]);
  t.match(
    await fromKafkajs('joinGroup', 11, 5, {
      groupId: 'g',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata }],
    }),
    {
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: null,
      protocols: [{ name: 'RoundRobinAssigner', metadata }],
    },
  );
  const joined = await toKafkajs('joinGroup', 11, 5, {
    throttleTimeMs: 0,
    errorCode: 0,
    generationId: 3,
    protocolName: 'RoundRobinAssigner',
    leader: 'm1',
    memberId: 'm1',
    members: [{ memberId: 'm1', groupInstanceId: null, metadata }],
  });
  t.match(joined, {
    generationId: 3,
    groupProtocol: 'RoundRobinAssigner',
    leaderId: 'm1',
    memberId: 'm1',
    members: [{ memberId: 'm1', memberMetadata: metadata }],
  });
  t.match(
    await fromKafkajs('syncGroup', 14, 3, {
      groupId: 'g',
      generationId: 3,
      memberId: 'm1',
      groupAssignment: [{ memberId: 'm1', memberAssignment: metadata }],
    }),
    {
      generationId: 3,
      groupInstanceId: null,
      assignments: [{ memberId: 'm1', assignment: metadata }],
    },
  );
  const synced = await toKafkajs('syncGroup', 14, 3, {
    throttleTimeMs: 0,
    errorCode: 0,
    assignment: metadata,
  });
  t.same(synced.memberAssignment, metadata);
});

t.test('Heartbeat v3, LeaveGroup v3', async (t) => {
  t.match(
    await fromKafkajs('heartbeat', 12, 3, {
      groupId: 'g',
      groupGenerationId: 3,
      memberId: 'm1',
      groupInstanceId: null,
    }),
    {
      generationId: 3,
      memberId: 'm1',
    },
  );
  t.match(await toKafkajs('heartbeat', 12, 3, { throttleTimeMs: 0, errorCode: 27 }), {
    errorCode: 27,
  });
  t.match(await fromKafkajs('leaveGroup', 13, 3, { groupId: 'g', members: [{ memberId: 'm1' }] }), {
    groupId: 'g',
    members: [{ memberId: 'm1', groupInstanceId: null }],
  });
  const left = await toKafkajs('leaveGroup', 13, 3, {
    throttleTimeMs: 0,
    errorCode: 0,
    members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }],
  });
  t.match(left, { errorCode: 0, members: [{ memberId: 'm1', errorCode: 0 }] });
});

t.test('OffsetCommit v5, OffsetFetch v4', async (t) => {
  t.match(
    await fromKafkajs('offsetCommit', 8, 5, {
      groupId: 'g',
      groupGenerationId: 3,
      memberId: 'm1',
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: '10' }] }],
    }),
    {
      generationIdOrMemberEpoch: 3,
      topics: [{ name: 't', partitions: [{ committedOffset: 10, committedMetadata: null }] }],
    },
  );
  const committed = await toKafkajs('offsetCommit', 8, 5, {
    throttleTimeMs: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
  });
  t.match(committed, { responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0 }] }] });
  t.match(
    await fromKafkajs('offsetFetch', 9, 4, {
      groupId: 'g',
      topics: [{ topic: 't', partitions: [{ partition: 0 }] }],
    }),
    {
      groupId: 'g',
      topics: [{ name: 't', partitionIndexes: [0] }],
    },
  );
  const fetched = await toKafkajs('offsetFetch', 9, 4, {
    throttleTimeMs: 0,
    topics: [
      {
        name: 't',
        partitions: [{ partitionIndex: 0, committedOffset: -1, metadata: '', errorCode: 0 }],
      },
    ],
    errorCode: 0,
  });
  t.match(fetched, { responses: [{ topic: 't', partitions: [{ partition: 0, offset: '-1' }] }] });
});

t.test('CreateTopics v3', async (t) => {
  t.match(
    await fromKafkajs('createTopics', 19, 3, {
      topics: [
        {
          topic: 't',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
      validateOnly: false,
      timeout: 5000,
    }),
    {
      topics: [
        {
          name: 't',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
      timeoutMs: 5000,
    },
  );
  const created = await toKafkajs('createTopics', 19, 3, {
    throttleTimeMs: 0,
    topics: [{ name: 't', errorCode: 36, errorMessage: 'Topic already exists.' }],
  });
  t.match(created, { topicErrors: [{ topic: 't', errorCode: 36 }] });
});
