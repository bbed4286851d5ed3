// Makes sure the external cluster has the "user-offers" topic the contract describes
// (docs/contract.md §3: one partition, every event in log order) before the first event is sent.
//
// An existing topic is used as it is, if it has one partition. A missing one is created with
// CreateTopics (kafka.apache.org/protocol "CreateTopics"): one partition and the cluster's own
// default.replication.factor, as Apache Kafka's auto-creation would. A cluster that refuses to
// create it (an ACL, a broker policy) is reported with what the operator must do.

import { Admin, type Producer } from '@platformatic/kafka';
import { describeKafkaError } from '../cluster-error.js';

/** Options the admin client shares with the producer. */
export interface TopicSetupClient {
  readonly clientId: string;
  readonly bootstrapBrokers: { host: string; port: number }[];
  readonly timeoutMs: number;
}

/** A setup failure whose sentence says what the operator must change. */
export class TopicSetupError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'TopicSetupError';
  }
}

/**
 * Resolves once `topic` exists with one partition; throws (the client's error, or a
 * TopicSetupError) otherwise. Called again after each failure, so a topic deleted or a cluster
 * replaced meanwhile is set up again.
 */
export async function ensureOfferEventsTopic(
  producer: Producer<string, string, string, string>,
  client: TopicSetupClient,
  topic: string,
): Promise<void> {
  const partitions = await partitionCount(producer, topic);
  if (partitions === undefined) {
    await createTopic(client, topic);
    return;
  }
  if (partitions !== 1) {
    throw new TopicSetupError(
      `the cluster's topic ${topic} has ${partitions} partitions; handwire publishes the offer ` +
        `log in order to one partition (docs/contract.md §3): delete the topic, or create it with one partition`,
      'INVALID_PARTITIONS',
    );
  }
}

/** The topic's partition count, or undefined when the cluster does not have it. */
async function partitionCount(
  producer: Producer<string, string, string, string>,
  topic: string,
): Promise<number | undefined> {
  try {
    const metadata = await producer.metadata({ topics: [topic], forceUpdate: true });
    return metadata.topics.get(topic)?.partitionsCount;
  } catch (error) {
    if (describeKafkaError(error).code === 'UNKNOWN_TOPIC_OR_PARTITION') return undefined;
    throw error;
  }
}

async function createTopic(client: TopicSetupClient, topic: string): Promise<void> {
  const admin = new Admin({
    clientId: client.clientId,
    bootstrapBrokers: client.bootstrapBrokers,
    timeout: client.timeoutMs,
    connectTimeout: client.timeoutMs,
    retries: 2,
    retryDelay: 100,
  });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1 });
  } catch (error) {
    const failure = describeKafkaError(error);
    // Another publisher created it between our Metadata and CreateTopics: it is there, fine.
    if (failure.code === 'TOPIC_ALREADY_EXISTS') return;
    if (failure.code.endsWith('AUTHORIZATION_FAILED') || failure.code === 'POLICY_VIOLATION') {
      throw new TopicSetupError(
        `the cluster refused to create the topic ${topic} (${failure.code}): create it with one ` +
          'partition (kafka-topics.sh --create --topic user-offers --partitions 1), or allow ' +
          'handwire to create topics',
        failure.code,
      );
    }
    throw error;
  } finally {
    await admin.close();
  }
}
