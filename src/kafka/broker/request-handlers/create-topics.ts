// CreateTopics (v0-7): Kafka's checks per topic (name, exists, partitions, replication factor on
// one broker), validateOnly, and a manual assignment accepted only onto this broker.

import {
  type CreatableTopic,
  type CreatableTopicResult,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  ErrorCode,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';

export function handleCreateTopics(
  context: BrokerContext,
  request: CreateTopicsRequest,
): CreateTopicsResponse {
  const counts = new Map<string, number>();
  for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => {
      if (counts.get(topic.name)! > 1) {
        return failed(
          topic.name,
          ErrorCode.INVALID_REQUEST,
          `Create topics request from client contains multiple entries for topic ${topic.name}`,
        );
      }
      return createOne(context, topic, request.validateOnly);
    }),
  };
}

function createOne(
  context: BrokerContext,
  topic: CreatableTopic,
  validateOnly: boolean,
): CreatableTopicResult {
  let { numPartitions, replicationFactor } = topic;
  if (topic.assignments.length > 0) {
    if (numPartitions !== -1 || replicationFactor !== -1) {
      return failed(
        topic.name,
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    const elsewhere = topic.assignments.some((a) =>
      a.brokerIds.some((id) => id !== context.nodeId),
    );
    if (elsewhere) {
      return failed(
        topic.name,
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Only broker ${context.nodeId} exists.`,
      );
    }
    numPartitions = topic.assignments.length;
    replicationFactor = topic.assignments[0]!.brokerIds.length;
  }
  const result = context.topics.create({
    name: topic.name,
    numPartitions,
    replicationFactor,
    validateOnly,
  });
  if (result.topic === undefined) return failed(topic.name, result.errorCode, result.errorMessage);
  return {
    name: topic.name,
    topicId: result.topic.id,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: result.topic.partitions.length,
    replicationFactor: 1,
    configs: [],
  };
}

function failed(
  name: string,
  errorCode: number,
  errorMessage: string | null,
): CreatableTopicResult {
  return {
    name,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}
