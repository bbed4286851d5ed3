// Produce (API key 0), versions 0-11, flexible from 9 (kafka.apache.org/protocol "Produce API";
// ProduceRequest.json / ProduceResponse.json; transactional id and record batch v2: KIP-98).
//
// The hot path: `records` is decoded as a view into the request frame (never copied), one blob
// that may hold several record batches (see record-batch.ts to split and validate it).

import { defineApi } from '../api-definition.js';
import type { BytesInput } from '../message-codec.js';
import type { KafkaReader } from '../reader.js';
import { field, struct, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface ProduceRequestPartition {
  index: number;
  /** The partition's record batches as sent, a view into the request (null only if sent so). */
  records: Buffer | null;
}

export interface ProduceRequestTopic {
  name: string;
  partitionData: ProduceRequestPartition[];
}

export interface ProduceRequest {
  /** v3+: null unless the producer is transactional. */
  transactionalId: string | null;
  /** 0 = no response, 1 = leader only, -1 = all in-sync replicas. */
  acks: number;
  timeoutMs: number;
  topicData: ProduceRequestTopic[];
}

export interface ProduceRecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface ProduceResponsePartition {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** v2+: -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs?: number;
  /** v5+. */
  logStartOffset?: number;
  /** v8+. */
  recordErrors?: ProduceRecordError[];
  /** v8+. */
  errorMessage?: string | null;
  /** v10+, tagged. */
  currentLeader?: LeaderIdAndEpoch;
}

export interface ProduceResponseTopic {
  name: string;
  partitionResponses: ProduceResponsePartition[];
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ProduceResponse {
  responses: ProduceResponseTopic[];
  /** v1+. */
  throttleTimeMs?: number;
  /** v10+, tagged. */
  nodeEndpoints?: NodeEndpoint[];
}

/** As ProduceRequest, but records may be given as several buffers written back to back. */
export type ProduceRequestInput = Omit<ProduceRequest, 'topicData'> & {
  topicData: { name: string; partitionData: { index: number; records: BytesInput | null }[] }[];
};

export const ProduceApi = defineApi<ProduceRequestInput, ProduceResponse>(
  0,
  'Produce',
  '0-11',
  '9+',
  [
    field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
    field('acks', 'int16', '0+'),
    field('timeoutMs', 'int32', '0+'),
    structs('topicData', '0+', [
      field('name', 'string', '0+'),
      structs('partitionData', '0+', [
        field('index', 'int32', '0+'),
        field('records', 'records', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
  [
    structs('responses', '0+', [
      field('name', 'string', '0+'),
      structs('partitionResponses', '0+', [
        field('index', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('baseOffset', 'int64', '0+'),
        field('logAppendTimeMs', 'int64', '2+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1 }),
        structs('recordErrors', '8+', [
          field('batchIndex', 'int32', '8+'),
          field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
        ]),
        field('errorMessage', 'string', '8+', { nullable: '8+', default: null }),
        struct(
          'currentLeader',
          '10+',
          [
            field('leaderId', 'int32', '10+', { default: -1 }),
            field('leaderEpoch', 'int32', '10+', { default: -1 }),
          ],
          { tag: 0, tagged: '10+' },
        ),
      ]),
    ]),
    field('throttleTimeMs', 'int32', '1+'),
    structs(
      'nodeEndpoints',
      '10+',
      [
        field('nodeId', 'int32', '10+'),
        field('host', 'string', '10+'),
        field('port', 'int32', '10+'),
        field('rack', 'string', '10+', { nullable: '10+', default: null }),
      ],
      { tag: 0, tagged: '10+' },
    ),
  ],
);

export function decodeProduceRequest(r: KafkaReader, version: number): ProduceRequest {
  return ProduceApi.request.decode(r, version) as ProduceRequest;
}

export function encodeProduceRequest(
  w: KafkaWriter,
  version: number,
  request: ProduceRequestInput,
) {
  ProduceApi.request.encode(w, version, request);
}

export function decodeProduceResponse(r: KafkaReader, version: number): ProduceResponse {
  return ProduceApi.response.decode(r, version);
}

export function encodeProduceResponse(w: KafkaWriter, version: number, response: ProduceResponse) {
  ProduceApi.response.encode(w, version, response);
}
