// OffsetCommit (API key 8), versions 0-9, flexible from 8 (kafka.apache.org/protocol
// "OffsetCommit API"; OffsetCommitRequest.json / OffsetCommitResponse.json; static membership's
// group instance id: KIP-345).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v6+ (default -1). */
  committedLeaderEpoch: number;
  /** v1 only (default -1). */
  commitTimestamp: number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** v1+ (default -1): the generation (or, v9+, the member epoch). */
  generationIdOrMemberEpoch: number;
  /** v1+. */
  memberId: string;
  /** v7+ (default null). */
  groupInstanceId: string | null;
  /** v2-4 (default -1). */
  retentionTimeMs: number;
  topics: { name: string; partitions: OffsetCommitRequestPartition[] }[];
}

export interface OffsetCommitResponse {
  /** v3+. */
  throttleTimeMs?: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const OffsetCommitApi = defineApi<OffsetCommitRequest, OffsetCommitResponse>(
  8,
  'OffsetCommit',
  '0-9',
  '8+',
  [
    field('groupId', 'string', '0+'),
    field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '1+'),
    field('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
    field('retentionTimeMs', 'int64', '2-4', { default: -1 }),
    structs('topics', '0+', [
      field('name', 'string', '0+'),
      structs('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('committedOffset', 'int64', '0+'),
        field('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
        field('commitTimestamp', 'int64', '1', { default: -1 }),
        field('committedMetadata', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
  [
    field('throttleTimeMs', 'int32', '3+'),
    structs('topics', '0+', [
      field('name', 'string', '0+'),
      structs('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
      ]),
    ]),
  ],
);

export function decodeOffsetCommitRequest(r: KafkaReader, version: number): OffsetCommitRequest {
  return OffsetCommitApi.request.decode(r, version);
}

export function encodeOffsetCommitRequest(
  w: KafkaWriter,
  version: number,
  request: OffsetCommitRequest,
) {
  OffsetCommitApi.request.encode(w, version, request);
}

export function decodeOffsetCommitResponse(r: KafkaReader, version: number): OffsetCommitResponse {
  return OffsetCommitApi.response.decode(r, version);
}

export function encodeOffsetCommitResponse(
  w: KafkaWriter,
  version: number,
  response: OffsetCommitResponse,
) {
  OffsetCommitApi.response.encode(w, version, response);
}
