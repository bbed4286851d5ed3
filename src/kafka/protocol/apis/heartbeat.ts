// Heartbeat (API key 12), versions 0-4, flexible from 4 (kafka.apache.org/protocol
// "Heartbeat API"; HeartbeatRequest.json / HeartbeatResponse.json).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+ (default null). */
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** v1+. */
  throttleTimeMs?: number;
  errorCode: number;
}

export const HeartbeatApi = defineApi<HeartbeatRequest, HeartbeatResponse>(
  12,
  'Heartbeat',
  '0-4',
  '4+',
  [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  ],
  [field('throttleTimeMs', 'int32', '1+'), field('errorCode', 'int16', '0+')],
);

export function decodeHeartbeatRequest(r: KafkaReader, version: number): HeartbeatRequest {
  return HeartbeatApi.request.decode(r, version);
}

export function encodeHeartbeatRequest(w: KafkaWriter, version: number, request: HeartbeatRequest) {
  HeartbeatApi.request.encode(w, version, request);
}

export function decodeHeartbeatResponse(r: KafkaReader, version: number): HeartbeatResponse {
  return HeartbeatApi.response.decode(r, version);
}

export function encodeHeartbeatResponse(
  w: KafkaWriter,
  version: number,
  response: HeartbeatResponse,
) {
  HeartbeatApi.response.encode(w, version, response);
}
