// Broker tests' shared setup: a broker on port 0 with its log lines collected, a client to it,
// and request bodies with every field filled.

import type { Test } from 'tap';
import {
  type KafkaBroker,
  type KafkaBrokerOptions,
  startKafkaBroker,
} from '../../../src/kafka/index.js';
import {
  buildRecordBatch,
  type FetchRequest,
  type ProduceRequest,
  type RecordInput,
} from '../../../src/kafka/protocol/index.js';
import { KafkaTestClient } from './kafka-test-client.js';

export interface BrokerUnderTest {
  broker: KafkaBroker;
  client: KafkaTestClient;
  logs: string[];
}

/** Starts a broker and connects a client; both are closed in the test's teardown. */
export async function brokerWithClient(
  t: Test,
  options: KafkaBrokerOptions = {},
): Promise<BrokerUnderTest> {
  const logs: string[] = [];
  const broker = await startKafkaBroker({ port: 0, log: (line) => logs.push(line), ...options });
  const client = await KafkaTestClient.connect(broker.address.port);
  t.teardown(async () => {
    client.close();
    await broker.close();
  });
  return { broker, client, logs };
}

export function produceRequest(
  topic: string,
  records: Buffer | null,
  overrides: Partial<ProduceRequest> = {},
  partition = 0,
): ProduceRequest {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    ...overrides,
  };
}

export function batchOf(
  values: string[],
  options: Parameters<typeof buildRecordBatch>[1] = {},
): Buffer {
  const records: RecordInput[] = values.map((value) => ({
    value: Buffer.from(value),
    timestamp: 1000,
  }));
  return buildRecordBatch(records, options);
}

export function fetchRequest(
  topic: string,
  fetchOffset: number,
  overrides: Partial<FetchRequest> = {},
  partitionMaxBytes = 1 << 20,
): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 10 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes,
            replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
    ...overrides,
  };
}

export const metadataRequest = (topics: string[] | null, allowAutoTopicCreation = true) => ({
  topics:
    topics === null ? null : topics.map((name) => ({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name })),
  allowAutoTopicCreation,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
});
