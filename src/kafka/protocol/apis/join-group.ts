// JoinGroup (API key 11), versions 0-9, flexible from 6 (kafka.apache.org/protocol "JoinGroup API";
// JoinGroupRequest.json / JoinGroupResponse.json; member id required: KIP-394; static membership:
// KIP-345; reason: KIP-800). Protocol metadata is opaque bytes the group leader interprets.

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface JoinGroupRequestProtocol {
  name: string;
  /** Opaque to the broker; a view into the request. */
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+ (default -1: v0 clients use the session timeout). */
  rebalanceTimeoutMs: number;
  /** "" on a member's first join. */
  memberId: string;
  /** v5+ (default null). */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  /** v8+ (default null). */
  reason: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  /** v5+. */
  groupInstanceId?: string | null;
  metadata: Uint8Array;
}

export interface JoinGroupResponse {
  /** v2+. */
  throttleTimeMs?: number;
  errorCode: number;
  generationId: number;
  /** v7+ (default null). */
  protocolType?: string | null;
  /** Nullable from v7. */
  protocolName: string | null;
  leader: string;
  /** v9+. */
  skipAssignment?: boolean;
  memberId: string;
  /** Every member's metadata for the leader; empty for the others. */
  members: JoinGroupResponseMember[];
}

export const JoinGroupApi = defineApi<JoinGroupRequest, JoinGroupResponse>(
  11,
  'JoinGroup',
  '0-9',
  '6+',
  [
    field('groupId', 'string', '0+'),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolType', 'string', '0+'),
    structs('protocols', '0+', [field('name', 'string', '0+'), field('metadata', 'bytes', '0+')]),
    field('reason', 'string', '8+', { nullable: '8+', default: null }),
  ],
  [
    field('throttleTimeMs', 'int32', '2+'),
    field('errorCode', 'int16', '0+'),
    field('generationId', 'int32', '0+', { default: -1 }),
    field('protocolType', 'string', '7+', { nullable: '7+', default: null }),
    field('protocolName', 'string', '0+', { nullable: '7+' }),
    field('leader', 'string', '0+'),
    field('skipAssignment', 'bool', '9+', { default: false }),
    field('memberId', 'string', '0+'),
    structs('members', '0+', [
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
      field('metadata', 'bytes', '0+'),
    ]),
  ],
);

export function decodeJoinGroupRequest(r: KafkaReader, version: number): JoinGroupRequest {
  return JoinGroupApi.request.decode(r, version);
}

export function encodeJoinGroupRequest(w: KafkaWriter, version: number, request: JoinGroupRequest) {
  JoinGroupApi.request.encode(w, version, request);
}

export function decodeJoinGroupResponse(r: KafkaReader, version: number): JoinGroupResponse {
  return JoinGroupApi.response.decode(r, version);
}

export function encodeJoinGroupResponse(
  w: KafkaWriter,
  version: number,
  response: JoinGroupResponse,
) {
  JoinGroupApi.response.encode(w, version, response);
}
