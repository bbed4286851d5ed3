// Fetch (API key 1), versions 0-17, flexible from 12; topic ids instead of names from 13
// (kafka.apache.org/protocol "Fetch API"; FetchRequest.json / FetchResponse.json; fetch
// sessions: KIP-227; isolation level: KIP-98).
//
// The hot path: a partition's `records` may be given to the encoder as the stored batches
// themselves (several buffers); the writer references them instead of copying.

import { defineApi } from '../api-definition.js';
import type { BytesInput } from '../message-codec.js';
import type { KafkaReader } from '../reader.js';
import { arrayOf, field, struct, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';
import type { LeaderIdAndEpoch, NodeEndpoint } from './produce.js';

export interface FetchRequestPartition {
  partition: number;
  /** v9+ (default -1). */
  currentLeaderEpoch: number;
  fetchOffset: number;
  /** v12+ (default -1). */
  lastFetchedEpoch: number;
  /** v5+ (default -1): used by followers only. */
  logStartOffset: number;
  partitionMaxBytes: number;
  /** v17+, tagged (default the zero UUID). */
  replicaDirectoryId: string;
}

export interface FetchRequestTopic {
  /** v0-12 (empty string from 13). */
  topic: string;
  /** v13+ (the zero UUID before). */
  topicId: string;
  partitions: FetchRequestPartition[];
}

export interface ForgottenTopic {
  /** v7-12. */
  topic: string;
  /** v13+. */
  topicId: string;
  partitions: number[];
}

export interface FetchRequest {
  /** v12+, tagged. */
  clusterId: string | null;
  /** v0-14 (default -1 = a consumer). */
  replicaId: number;
  /** v15+, tagged. */
  replicaState: { replicaId: number; replicaEpoch: number };
  maxWaitMs: number;
  minBytes: number;
  /** v3+ (default 0x7fffffff). */
  maxBytes: number;
  /** v4+: 0 = read uncommitted, 1 = read committed. */
  isolationLevel: number;
  /** v7+ (default 0). */
  sessionId: number;
  /** v7+ (default -1). */
  sessionEpoch: number;
  topics: FetchRequestTopic[];
  /** v7+. */
  forgottenTopicsData: ForgottenTopic[];
  /** v11+. */
  rackId: string;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchResponsePartition {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  /** v4+ (default -1). */
  lastStableOffset?: number;
  /** v5+ (default -1). */
  logStartOffset?: number;
  /** v12+, tagged. */
  divergingEpoch?: { epoch: number; endOffset: number };
  /** v12+, tagged. */
  currentLeader?: LeaderIdAndEpoch;
  /** v12+, tagged. */
  snapshotId?: { endOffset: number; epoch: number };
  /** v4+, nullable. */
  abortedTransactions?: AbortedTransaction[] | null;
  /** v11+ (default -1). */
  preferredReadReplica?: number;
  /** Decoded: one Buffer (a view) or null. Encoded: also several stored batches back to back. */
  records: BytesInput | null;
}

export interface FetchResponseTopic {
  /** v0-12. */
  topic?: string;
  /** v13+. */
  topicId?: string;
  partitions: FetchResponsePartition[];
}

export interface FetchResponse {
  /** v1+. */
  throttleTimeMs?: number;
  /** v7+: the top-level (fetch session) error. */
  errorCode?: number;
  /** v7+. */
  sessionId?: number;
  responses: FetchResponseTopic[];
  /** v16+, tagged. */
  nodeEndpoints?: NodeEndpoint[];
}

export const FetchApi = defineApi<FetchRequest, FetchResponse>(
  1,
  'Fetch',
  '0-17',
  '12+',
  [
    field('clusterId', 'string', '12+', { nullable: '12+', default: null, tag: 0, tagged: '12+' }),
    field('replicaId', 'int32', '0-14', { default: -1 }),
    struct(
      'replicaState',
      '15+',
      [
        field('replicaId', 'int32', '15+', { default: -1 }),
        field('replicaEpoch', 'int64', '15+', { default: -1 }),
      ],
      { tag: 1, tagged: '15+' },
    ),
    field('maxWaitMs', 'int32', '0+'),
    field('minBytes', 'int32', '0+'),
    field('maxBytes', 'int32', '3+', { default: 0x7fffffff }),
    field('isolationLevel', 'int8', '4+', { default: 0 }),
    field('sessionId', 'int32', '7+', { default: 0 }),
    field('sessionEpoch', 'int32', '7+', { default: -1 }),
    structs('topics', '0+', [
      field('topic', 'string', '0-12'),
      field('topicId', 'uuid', '13+'),
      structs('partitions', '0+', [
        field('partition', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
        field('fetchOffset', 'int64', '0+'),
        field('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1 }),
        field('partitionMaxBytes', 'int32', '0+'),
        field('replicaDirectoryId', 'uuid', '17+', { tag: 0, tagged: '17+' }),
      ]),
    ]),
    structs('forgottenTopicsData', '7+', [
      field('topic', 'string', '7-12'),
      field('topicId', 'uuid', '13+'),
      arrayOf('partitions', 'int32', '7+'),
    ]),
    field('rackId', 'string', '11+', { default: '' }),
  ],
  [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '7+'),
    field('sessionId', 'int32', '7+', { default: 0 }),
    structs('responses', '0+', [
      field('topic', 'string', '0-12'),
      field('topicId', 'uuid', '13+'),
      structs('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('highWatermark', 'int64', '0+'),
        field('lastStableOffset', 'int64', '4+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1 }),
        struct(
          'divergingEpoch',
          '12+',
          [
            field('epoch', 'int32', '12+', { default: -1 }),
            field('endOffset', 'int64', '12+', { default: -1 }),
          ],
          { tag: 0, tagged: '12+' },
        ),
        struct(
          'currentLeader',
          '12+',
          [
            field('leaderId', 'int32', '12+', { default: -1 }),
            field('leaderEpoch', 'int32', '12+', { default: -1 }),
          ],
          { tag: 1, tagged: '12+' },
        ),
        struct(
          'snapshotId',
          '12+',
          [
            field('endOffset', 'int64', '0+', { default: -1 }),
            field('epoch', 'int32', '0+', { default: -1 }),
          ],
          { tag: 2, tagged: '12+' },
        ),
        structs(
          'abortedTransactions',
          '4+',
          [field('producerId', 'int64', '4+'), field('firstOffset', 'int64', '4+')],
          { nullable: '4+' },
        ),
        field('preferredReadReplica', 'int32', '11+', { default: -1 }),
        field('records', 'records', '0+', { nullable: '0+' }),
      ]),
    ]),
    structs(
      'nodeEndpoints',
      '16+',
      [
        field('nodeId', 'int32', '16+'),
        field('host', 'string', '16+'),
        field('port', 'int32', '16+'),
        field('rack', 'string', '16+', { nullable: '16+', default: null }),
      ],
      { tag: 0, tagged: '16+' },
    ),
  ],
);

export function decodeFetchRequest(r: KafkaReader, version: number): FetchRequest {
  return FetchApi.request.decode(r, version);
}

export function encodeFetchRequest(w: KafkaWriter, version: number, request: FetchRequest) {
  FetchApi.request.encode(w, version, request);
}

export function decodeFetchResponse(r: KafkaReader, version: number): FetchResponse {
  return FetchApi.response.decode(r, version);
}

export function encodeFetchResponse(w: KafkaWriter, version: number, response: FetchResponse) {
  FetchApi.response.encode(w, version, response);
}
