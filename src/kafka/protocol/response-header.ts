// Kafka response header v0 and v1 (kafka.apache.org/protocol "Headers"; ResponseHeader.json;
// v1's tagged fields: KIP-482). A response uses v1 from its API's first flexible version, except
// ApiVersions, whose response header is always v0 (KIP-511) so that any client can read it.

import { ApiKey } from './api-keys.js';
import { kafkaApi } from './apis/index.js';
import type { KafkaReader } from './reader.js';
import type { KafkaWriter } from './writer.js';

export interface ResponseHeader {
  correlationId: number;
}

export type ResponseHeaderVersion = 0 | 1;

export function responseHeaderVersion(apiKey: number, apiVersion: number): ResponseHeaderVersion {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const api = kafkaApi(apiKey);
  return api !== undefined && apiVersion >= api.firstFlexibleVersion ? 1 : 0;
}

export function decodeResponseHeader(
  r: KafkaReader,
  headerVersion: ResponseHeaderVersion,
): ResponseHeader {
  const correlationId = r.int32('header.correlationId');
  if (headerVersion === 1) r.taggedFields(undefined, 'header tagged fields');
  return { correlationId };
}

export function encodeResponseHeader(
  w: KafkaWriter,
  headerVersion: ResponseHeaderVersion,
  header: ResponseHeader,
): void {
  w.int32(header.correlationId);
  if (headerVersion === 1) w.uvarint(0);
}
