// Kafka request header v0, v1 and v2 (kafka.apache.org/protocol "Headers"; RequestHeader.json;
// v2's tagged fields: KIP-482). A request uses header v2 from its API's first flexible version,
// v1 before it; client_id keeps the classic int16-length encoding even in v2.

import { kafkaApi } from './apis/index.js';
import { KafkaProtocolError } from './errors.js';
import type { KafkaReader } from './reader.js';
import type { KafkaWriter } from './writer.js';

export interface RequestHeader {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  /** v1+: nullable. */
  clientId: string | null;
}

export type RequestHeaderVersion = 0 | 1 | 2;

/**
 * The header version of a request: 2 from the API's first flexible version on (also for a
 * version above the implemented maximum, as Kafka decides it), else 1. An unknown API key gets
 * 1, which reads as far as the client id.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): RequestHeaderVersion {
  const api = kafkaApi(apiKey);
  return api !== undefined && apiVersion >= api.firstFlexibleVersion ? 2 : 1;
}

export function decodeRequestHeader(
  r: KafkaReader,
  headerVersion: RequestHeaderVersion,
): RequestHeader {
  const requestApiKey = r.int16('header.requestApiKey');
  const requestApiVersion = r.int16('header.requestApiVersion');
  const correlationId = r.int32('header.correlationId');
  const clientId = headerVersion >= 1 ? r.nullableString('header.clientId') : null;
  if (headerVersion === 2) r.taggedFields(undefined, 'header tagged fields');
  return { requestApiKey, requestApiVersion, correlationId, clientId };
}

export function encodeRequestHeader(
  w: KafkaWriter,
  headerVersion: RequestHeaderVersion,
  header: RequestHeader,
): void {
  w.int16(header.requestApiKey).int16(header.requestApiVersion).int32(header.correlationId);
  if (headerVersion >= 1) w.string(header.clientId);
  else if (header.clientId !== null) {
    throw new KafkaProtocolError('request header v0 has no client id', -1);
  }
  if (headerVersion === 2) w.uvarint(0);
}
