// The broker's topics (Kafka's topic naming rules in org.apache.kafka.common.internals.Topic, and
// CreateTopics' checks): created on first use with one partition, or by CreateTopics with N; a
// topic may refuse outside producers (handwire's "user-offers", fed only by the broker itself).

import { randomUUID } from 'node:crypto';
import { BrokerError, type BrokerErrorCode } from './broker-errors.js';
import { PartitionLog } from './partition-log.js';

/** Kafka's limit on a topic name's length (Topic.MAX_NAME_LENGTH). */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export interface Topic {
  readonly name: string;
  /** The topic's UUID in Kafka's text form, base64url (Metadata v10+, KIP-516). */
  readonly id: string;
  readonly partitions: readonly PartitionLog[];
  /** Produce requests from clients are refused with TOPIC_AUTHORIZATION_FAILED. */
  readonly readOnlyToProducers: boolean;
}

export interface TopicRegistryOptions {
  /** retention.bytes of every partition; unlimited if absent. */
  readonly retentionBytes?: number;
  /** Partitions of a topic created on first use or with numPartitions -1 (num.partitions). */
  readonly defaultPartitions?: number;
}

export interface CreateTopicRequest {
  readonly name: string;
  /** -1: the default. */
  readonly numPartitions: number;
  /** -1: the default (1). */
  readonly replicationFactor: number;
  readonly validateOnly?: boolean;
  readonly readOnlyToProducers?: boolean;
}

export interface TopicResult {
  readonly errorCode: BrokerErrorCode;
  readonly errorMessage: string | null;
  readonly topic?: Topic;
}

/** Why `name` is not a legal topic name, or undefined when it is (Topic.validate). */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

/** '.' and '_' collide in metric names, so Kafka refuses topics differing only by them. */
function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly byCollisionKey = new Map<string, string>();
  private readonly retentionBytes: number | undefined;
  private readonly defaultPartitions: number;

  constructor(options: TopicRegistryOptions = {}) {
    this.retentionBytes = options.retentionBytes;
    this.defaultPartitions = options.defaultPartitions ?? 1;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Every topic, in creation order. */
  all(): Topic[] {
    return [...this.topics.values()];
  }

  /** The partition's log, or undefined for an unknown topic or partition. */
  partition(topicName: string, index: number): PartitionLog | undefined {
    return this.topics.get(topicName)?.partitions[index];
  }

  /** The topic, created with the default partitions if it does not exist yet. */
  getOrCreate(name: string): TopicResult {
    const existing = this.topics.get(name);
    if (existing !== undefined)
      return { errorCode: BrokerError.NONE, errorMessage: null, topic: existing };
    return this.create({ name, numPartitions: -1, replicationFactor: -1 });
  }

  /** CreateTopics for one topic, with Kafka's checks in Kafka's order. */
  create(request: CreateTopicRequest): TopicResult {
    const nameProblem = topicNameProblem(request.name);
    if (nameProblem !== undefined) return failure(BrokerError.INVALID_TOPIC_EXCEPTION, nameProblem);
    if (this.topics.has(request.name)) {
      return failure(BrokerError.TOPIC_ALREADY_EXISTS, `Topic '${request.name}' already exists.`);
    }
    const collidingWith = this.byCollisionKey.get(collisionKey(request.name));
    if (collidingWith !== undefined) {
      return failure(
        BrokerError.INVALID_TOPIC_EXCEPTION,
        `Topic '${request.name}' collides with existing topic: ${collidingWith}`,
      );
    }
    const partitions =
      request.numPartitions === -1 ? this.defaultPartitions : request.numPartitions;
    if (!Number.isInteger(partitions) || partitions <= 0) {
      return failure(BrokerError.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    }
    const replicas = request.replicationFactor === -1 ? 1 : request.replicationFactor;
    if (replicas <= 0) {
      return failure(
        BrokerError.INVALID_REPLICATION_FACTOR,
        'Replication factor must be larger than 0.',
      );
    }
    if (replicas > 1) {
      return failure(
        BrokerError.INVALID_REPLICATION_FACTOR,
        `Unable to replicate the partition ${replicas} time(s): The target replication factor of ${replicas} cannot be reached because only 1 broker(s) are registered.`,
      );
    }
    const topic: Topic = {
      name: request.name,
      id: Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url'),
      partitions: Array.from(
        { length: partitions },
        () =>
          new PartitionLog(
            this.retentionBytes === undefined ? {} : { retentionBytes: this.retentionBytes },
          ),
      ),
      readOnlyToProducers: request.readOnlyToProducers ?? false,
    };
    if (request.validateOnly !== true) {
      this.topics.set(topic.name, topic);
      this.byCollisionKey.set(collisionKey(topic.name), topic.name);
    }
    return { errorCode: BrokerError.NONE, errorMessage: null, topic };
  }
}

function failure(errorCode: BrokerErrorCode, errorMessage: string): TopicResult {
  return { errorCode, errorMessage };
}
