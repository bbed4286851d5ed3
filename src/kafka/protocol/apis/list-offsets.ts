// ListOffsets (API key 2), versions 0-10, flexible from 6 (kafka.apache.org/protocol
// "ListOffsets API"; ListOffsetsRequest.json / ListOffsetsResponse.json). Timestamp -1 asks for
// the latest offset, -2 the earliest, -3 the one with the largest timestamp (KIP-734).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { arrayOf, field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface ListOffsetsRequestPartition {
  partitionIndex: number;
  /** v4+ (default -1). */
  currentLeaderEpoch: number;
  timestamp: number;
  /** v0 only (default 1). */
  maxNumOffsets: number;
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+: 0 = read uncommitted, 1 = read committed. */
  isolationLevel: number;
  topics: { name: string; partitions: ListOffsetsRequestPartition[] }[];
  /** v10+. */
  timeoutMs: number;
}

export interface ListOffsetsResponsePartition {
  partitionIndex: number;
  errorCode: number;
  /** v0 only: the offsets found (newest first). */
  oldStyleOffsets?: number[];
  /** v1+ (default -1). */
  timestamp?: number;
  /** v1+ (default -1). */
  offset?: number;
  /** v4+ (default -1). */
  leaderEpoch?: number;
}

export interface ListOffsetsResponse {
  /** v2+. */
  throttleTimeMs?: number;
  topics: { name: string; partitions: ListOffsetsResponsePartition[] }[];
}

export const ListOffsetsApi = defineApi<ListOffsetsRequest, ListOffsetsResponse>(
  2,
  'ListOffsets',
  '0-10',
  '6+',
  [
    field('replicaId', 'int32', '0+'),
    field('isolationLevel', 'int8', '2+'),
    structs('topics', '0+', [
      field('name', 'string', '0+'),
      structs('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
        field('timestamp', 'int64', '0+'),
        field('maxNumOffsets', 'int32', '0', { default: 1 }),
      ]),
    ]),
    field('timeoutMs', 'int32', '10+'),
  ],
  [
    field('throttleTimeMs', 'int32', '2+'),
    structs('topics', '0+', [
      field('name', 'string', '0+'),
      structs('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        arrayOf('oldStyleOffsets', 'int64', '0'),
        field('timestamp', 'int64', '1+', { default: -1 }),
        field('offset', 'int64', '1+', { default: -1 }),
        field('leaderEpoch', 'int32', '4+', { default: -1 }),
      ]),
    ]),
  ],
);

export function decodeListOffsetsRequest(r: KafkaReader, version: number): ListOffsetsRequest {
  return ListOffsetsApi.request.decode(r, version);
}

export function encodeListOffsetsRequest(
  w: KafkaWriter,
  version: number,
  request: ListOffsetsRequest,
) {
  ListOffsetsApi.request.encode(w, version, request);
}

export function decodeListOffsetsResponse(r: KafkaReader, version: number): ListOffsetsResponse {
  return ListOffsetsApi.response.decode(r, version);
}

export function encodeListOffsetsResponse(
  w: KafkaWriter,
  version: number,
  response: ListOffsetsResponse,
) {
  ListOffsetsApi.response.encode(w, version, response);
}
