// CreateTopics (API key 19), versions 0-7, flexible from 5 (kafka.apache.org/protocol
// "CreateTopics API"; CreateTopicsRequest.json / CreateTopicsResponse.json; -1 for default
// partitions or replication factor: KIP-464; topic ids in the response: KIP-516).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { arrayOf, field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface CreatableTopic {
  name: string;
  /** -1 = the broker's default. */
  numPartitions: number;
  /** -1 = the broker's default. */
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  /** default 60000. */
  timeoutMs: number;
  /** v1+. */
  validateOnly: boolean;
}

export interface CreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult {
  name: string;
  /** v7+. */
  topicId?: string;
  errorCode: number;
  /** v1+. */
  errorMessage?: string | null;
  /** v5+, tagged. */
  topicConfigErrorCode?: number;
  /** v5+ (default -1). */
  numPartitions?: number;
  /** v5+ (default -1). */
  replicationFactor?: number;
  /** v5+, nullable. */
  configs?: CreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse {
  /** v2+. */
  throttleTimeMs?: number;
  topics: CreatableTopicResult[];
}

export const CreateTopicsApi = defineApi<CreateTopicsRequest, CreateTopicsResponse>(
  19,
  'CreateTopics',
  '0-7',
  '5+',
  [
    structs('topics', '0+', [
      field('name', 'string', '0+'),
      field('numPartitions', 'int32', '0+'),
      field('replicationFactor', 'int16', '0+'),
      structs('assignments', '0+', [
        field('partitionIndex', 'int32', '0+'),
        arrayOf('brokerIds', 'int32', '0+'),
      ]),
      structs('configs', '0+', [
        field('name', 'string', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
    field('timeoutMs', 'int32', '0+', { default: 60000 }),
    field('validateOnly', 'bool', '1+', { default: false }),
  ],
  [
    field('throttleTimeMs', 'int32', '2+'),
    structs('topics', '0+', [
      field('name', 'string', '0+'),
      field('topicId', 'uuid', '7+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '1+', { nullable: '0+' }),
      field('topicConfigErrorCode', 'int16', '5+', { tag: 0, tagged: '5+' }),
      field('numPartitions', 'int32', '5+', { default: -1 }),
      field('replicationFactor', 'int16', '5+', { default: -1 }),
      structs(
        'configs',
        '5+',
        [
          field('name', 'string', '5+'),
          field('value', 'string', '5+', { nullable: '5+' }),
          field('readOnly', 'bool', '5+'),
          field('configSource', 'int8', '5+', { default: -1 }),
          field('isSensitive', 'bool', '5+'),
        ],
        { nullable: '5+' },
      ),
    ]),
  ],
);

export function decodeCreateTopicsRequest(r: KafkaReader, version: number): CreateTopicsRequest {
  return CreateTopicsApi.request.decode(r, version);
}

export function encodeCreateTopicsRequest(
  w: KafkaWriter,
  version: number,
  request: CreateTopicsRequest,
) {
  CreateTopicsApi.request.encode(w, version, request);
}

export function decodeCreateTopicsResponse(r: KafkaReader, version: number): CreateTopicsResponse {
  return CreateTopicsApi.response.decode(r, version);
}

export function encodeCreateTopicsResponse(
  w: KafkaWriter,
  version: number,
  response: CreateTopicsResponse,
) {
  CreateTopicsApi.response.encode(w, version, response);
}
