// SyncGroup (API key 14), versions 0-5, flexible from 4 (kafka.apache.org/protocol
// "SyncGroup API"; SyncGroupRequest.json / SyncGroupResponse.json). Assignments are opaque bytes
// computed by the group leader.

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+ (default null). */
  groupInstanceId: string | null;
  /** v5+ (default null). */
  protocolType: string | null;
  /** v5+ (default null). */
  protocolName: string | null;
  /** Sent by the leader only; a view into the request. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResponse {
  /** v1+. */
  throttleTimeMs?: number;
  errorCode: number;
  /** v5+. */
  protocolType?: string | null;
  /** v5+. */
  protocolName?: string | null;
  assignment: Uint8Array;
}

export const SyncGroupApi = defineApi<SyncGroupRequest, SyncGroupResponse>(
  14,
  'SyncGroup',
  '0-5',
  '4+',
  [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
    structs('assignments', '0+', [
      field('memberId', 'string', '0+'),
      field('assignment', 'bytes', '0+'),
    ]),
  ],
  [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
    field('assignment', 'bytes', '0+'),
  ],
);

export function decodeSyncGroupRequest(r: KafkaReader, version: number): SyncGroupRequest {
  return SyncGroupApi.request.decode(r, version);
}

export function encodeSyncGroupRequest(w: KafkaWriter, version: number, request: SyncGroupRequest) {
  SyncGroupApi.request.encode(w, version, request);
}

export function decodeSyncGroupResponse(r: KafkaReader, version: number): SyncGroupResponse {
  return SyncGroupApi.response.decode(r, version);
}

export function encodeSyncGroupResponse(
  w: KafkaWriter,
  version: number,
  response: SyncGroupResponse,
) {
  SyncGroupApi.response.encode(w, version, response);
}
