// InitProducerId (API key 22), versions 0-5, flexible from 2 (kafka.apache.org/protocol
// "InitProducerId API"; InitProducerIdRequest.json / InitProducerIdResponse.json; idempotent and
// transactional producers: KIP-98; epoch bump of an existing producer id: KIP-360).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface InitProducerIdRequest {
  /** null for an idempotent (not transactional) producer. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+ (default -1): the producer id to bump the epoch of. */
  producerId: number;
  /** v3+ (default -1). */
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export const InitProducerIdApi = defineApi<InitProducerIdRequest, InitProducerIdResponse>(
  22,
  'InitProducerId',
  '0-5',
  '2+',
  [
    field('transactionalId', 'string', '0+', { nullable: '0+' }),
    field('transactionTimeoutMs', 'int32', '0+'),
    field('producerId', 'int64', '3+', { default: -1 }),
    field('producerEpoch', 'int16', '3+', { default: -1 }),
  ],
  [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '0+'),
    field('producerId', 'int64', '0+', { default: -1 }),
    field('producerEpoch', 'int16', '0+'),
  ],
);

export function decodeInitProducerIdRequest(
  r: KafkaReader,
  version: number,
): InitProducerIdRequest {
  return InitProducerIdApi.request.decode(r, version);
}

export function encodeInitProducerIdRequest(
  w: KafkaWriter,
  version: number,
  request: InitProducerIdRequest,
) {
  InitProducerIdApi.request.encode(w, version, request);
}

export function decodeInitProducerIdResponse(
  r: KafkaReader,
  version: number,
): InitProducerIdResponse {
  return InitProducerIdApi.response.decode(r, version);
}

export function encodeInitProducerIdResponse(
  w: KafkaWriter,
  version: number,
  response: InitProducerIdResponse,
) {
  InitProducerIdApi.response.encode(w, version, response);
}
