// OffsetFetch (API key 9), versions 0-9, flexible from 6; several groups per request from 8
// (kafka.apache.org/protocol "OffsetFetch API"; OffsetFetchRequest.json / OffsetFetchResponse.json;
// batched groups: KIP-709; require stable: KIP-447).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { arrayOf, field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  /** v9+ (default null). */
  memberId: string | null;
  /** v9+ (default -1). */
  memberEpoch: number;
  /** null = every partition the group has committed. */
  topics: OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchRequest {
  /** v0-7. */
  groupId: string;
  /** v0-7; null (v2+) = every partition the group has committed. */
  topics: OffsetFetchRequestTopic[] | null;
  /** v8+. */
  groups: OffsetFetchRequestGroup[];
  /** v7+. */
  requireStable: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  /** -1 when the group has no committed offset for the partition. */
  committedOffset: number;
  /** v5+ (default -1). */
  committedLeaderEpoch?: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  /** v3+. */
  throttleTimeMs?: number;
  /** v0-7. */
  topics?: OffsetFetchResponseTopic[];
  /** v2-7: the group-level error. */
  errorCode?: number;
  /** v8+. */
  groups?: OffsetFetchResponseGroup[];
}

const responsePartitionFields = (versions: string, epochVersions: string) => [
  field('partitionIndex', 'int32', versions),
  field('committedOffset', 'int64', versions),
  field('committedLeaderEpoch', 'int32', epochVersions, { default: -1 }),
  field('metadata', 'string', versions, { nullable: versions }),
  field('errorCode', 'int16', versions),
];

export const OffsetFetchApi = defineApi<OffsetFetchRequest, OffsetFetchResponse>(
  9,
  'OffsetFetch',
  '0-9',
  '6+',
  [
    field('groupId', 'string', '0-7'),
    structs(
      'topics',
      '0-7',
      [field('name', 'string', '0-7'), arrayOf('partitionIndexes', 'int32', '0-7')],
      { nullable: '2-7' },
    ),
    structs('groups', '8+', [
      field('groupId', 'string', '8+'),
      field('memberId', 'string', '9+', { nullable: '9+', default: null }),
      field('memberEpoch', 'int32', '9+', { default: -1 }),
      structs(
        'topics',
        '8+',
        [field('name', 'string', '8+'), arrayOf('partitionIndexes', 'int32', '8+')],
        { nullable: '8+' },
      ),
    ]),
    field('requireStable', 'bool', '7+', { default: false }),
  ],
  [
    field('throttleTimeMs', 'int32', '3+'),
    structs('topics', '0-7', [
      field('name', 'string', '0-7'),
      structs('partitions', '0-7', responsePartitionFields('0-7', '5-7')),
    ]),
    field('errorCode', 'int16', '2-7', { default: 0 }),
    structs('groups', '8+', [
      field('groupId', 'string', '8+'),
      structs('topics', '8+', [
        field('name', 'string', '8+'),
        structs('partitions', '8+', responsePartitionFields('8+', '8+')),
      ]),
      field('errorCode', 'int16', '8+', { default: 0 }),
    ]),
  ],
);

export function decodeOffsetFetchRequest(r: KafkaReader, version: number): OffsetFetchRequest {
  return OffsetFetchApi.request.decode(r, version);
}

export function encodeOffsetFetchRequest(
  w: KafkaWriter,
  version: number,
  request: OffsetFetchRequest,
) {
  OffsetFetchApi.request.encode(w, version, request);
}

export function decodeOffsetFetchResponse(r: KafkaReader, version: number): OffsetFetchResponse {
  return OffsetFetchApi.response.decode(r, version);
}

export function encodeOffsetFetchResponse(
  w: KafkaWriter,
  version: number,
  response: OffsetFetchResponse,
) {
  OffsetFetchApi.response.encode(w, version, response);
}
