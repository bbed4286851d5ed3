// Metadata (v0-9): one broker that leads every partition, is the controller, and is where clients
// connect; topics asked for are created on first use when allowed (auto.create.topics.enable and,
// from v4, the request's allowAutoTopicCreation), as Kafka does.

import {
  ErrorCode,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseTopic,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import { LEADER_EPOCH } from '../partition-log.js';
import type { Topic } from '../topics.js';

/** Kafka's "authorized operations were not requested" marker. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function handleMetadata(
  context: BrokerContext,
  request: MetadataRequest,
  version: number,
): MetadataResponse {
  // v0 has no null: an empty list asks for every topic. From v1 null is all and [] is none.
  const all = request.topics === null || (version === 0 && request.topics.length === 0);
  const mayCreate = context.autoCreateTopics && (version < 4 || request.allowAutoTopicCreation);
  const topics = all
    ? context.topics.all().map((topic) => describeTopic(context, topic))
    : request.topics!.map((asked) => lookUp(context, asked.name ?? '', mayCreate));
  return {
    throttleTimeMs: 0,
    brokers: [
      {
        nodeId: context.nodeId,
        host: context.advertisedHost,
        port: context.advertisedPort,
        rack: null,
      },
    ],
    clusterId: context.clusterId,
    controllerId: context.nodeId,
    topics,
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function lookUp(context: BrokerContext, name: string, mayCreate: boolean): MetadataResponseTopic {
  const existing = context.topics.get(name);
  if (existing !== undefined) return describeTopic(context, existing);
  if (!mayCreate) return failedTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const created = context.topics.getOrCreate(name);
  if (created.topic === undefined) return failedTopic(name, created.errorCode);
  return describeTopic(context, created.topic);
}

function describeTopic(context: BrokerContext, topic: Topic): MetadataResponseTopic {
  const node = [context.nodeId];
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: false,
    partitions: topic.partitions.map((_, index) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: context.nodeId,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: node,
      isrNodes: node,
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function failedTopic(name: string, errorCode: number): MetadataResponseTopic {
  return {
    errorCode,
    name,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
