// Metadata (API key 3), versions 0-12, flexible from 9; topic ids from 10 (kafka.apache.org/protocol
// "Metadata API"; MetadataRequest.json / MetadataResponse.json).
//
// Which topics a request asks for differs by version: in v0 an empty list means all topics; from
// v1 null means all and an empty list none (kafka-python sends both forms).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { arrayOf, field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface MetadataRequestTopic {
  /** v10+ (the zero UUID when asking by name). */
  topicId: string;
  /** Nullable from v10 (when asking by id). */
  name: string | null;
}

export interface MetadataRequest {
  /** null (v1+) = all topics; in v0, [] = all topics. */
  topics: MetadataRequestTopic[] | null;
  /** v4+ (default true). */
  allowAutoTopicCreation: boolean;
  /** v8-10. */
  includeClusterAuthorizedOperations: boolean;
  /** v8+. */
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+. */
  rack?: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+ (default -1). */
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+. */
  offlineReplicas?: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  /** Nullable from v12 (a topic asked for by an unknown id). */
  name: string | null;
  /** v10+. */
  topicId?: string;
  /** v1+. */
  isInternal?: boolean;
  partitions: MetadataResponsePartition[];
  /** v8+ (default -2^31 = not requested). */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponse {
  /** v3+. */
  throttleTimeMs?: number;
  brokers: MetadataResponseBroker[];
  /** v2+. */
  clusterId?: string | null;
  /** v1+ (default -1). */
  controllerId?: number;
  topics: MetadataResponseTopic[];
  /** v8-10 (default -2^31). */
  clusterAuthorizedOperations?: number;
}

const NOT_REQUESTED = -2147483648;

export const MetadataApi = defineApi<MetadataRequest, MetadataResponse>(
  3,
  'Metadata',
  '0-12',
  '9+',
  [
    structs(
      'topics',
      '0+',
      [field('topicId', 'uuid', '10+'), field('name', 'string', '0+', { nullable: '10+' })],
      { nullable: '1+' },
    ),
    field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
    field('includeClusterAuthorizedOperations', 'bool', '8-10'),
    field('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  [
    field('throttleTimeMs', 'int32', '3+'),
    structs('brokers', '0+', [
      field('nodeId', 'int32', '0+'),
      field('host', 'string', '0+'),
      field('port', 'int32', '0+'),
      field('rack', 'string', '1+', { nullable: '1+', default: null }),
    ]),
    field('clusterId', 'string', '2+', { nullable: '2+', default: null }),
    field('controllerId', 'int32', '1+', { default: -1 }),
    structs('topics', '0+', [
      field('errorCode', 'int16', '0+'),
      field('name', 'string', '0+', { nullable: '12+' }),
      field('topicId', 'uuid', '10+'),
      field('isInternal', 'bool', '1+', { default: false }),
      structs('partitions', '0+', [
        field('errorCode', 'int16', '0+'),
        field('partitionIndex', 'int32', '0+'),
        field('leaderId', 'int32', '0+'),
        field('leaderEpoch', 'int32', '7+', { default: -1 }),
        arrayOf('replicaNodes', 'int32', '0+'),
        arrayOf('isrNodes', 'int32', '0+'),
        arrayOf('offlineReplicas', 'int32', '5+'),
      ]),
      field('topicAuthorizedOperations', 'int32', '8+', { default: NOT_REQUESTED }),
    ]),
    field('clusterAuthorizedOperations', 'int32', '8-10', { default: NOT_REQUESTED }),
  ],
);

export function decodeMetadataRequest(r: KafkaReader, version: number): MetadataRequest {
  return MetadataApi.request.decode(r, version);
}

export function encodeMetadataRequest(w: KafkaWriter, version: number, request: MetadataRequest) {
  MetadataApi.request.encode(w, version, request);
}

export function decodeMetadataResponse(r: KafkaReader, version: number): MetadataResponse {
  return MetadataApi.response.decode(r, version);
}

export function encodeMetadataResponse(
  w: KafkaWriter,
  version: number,
  response: MetadataResponse,
) {
  MetadataApi.response.encode(w, version, response);
}
