// LeaveGroup (API key 13), versions 0-5, flexible from 4; several members per request from 3
// (kafka.apache.org/protocol "LeaveGroup API"; LeaveGroupRequest.json / LeaveGroupResponse.json;
// batch leave: KIP-345; reason: KIP-800).

import { defineApi } from '../api-definition.js';
import type { KafkaReader } from '../reader.js';
import { field, structs } from '../schema.js';
import type { KafkaWriter } from '../writer.js';

export interface LeaveGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  /** v5+ (default null). */
  reason: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2. */
  memberId: string;
  /** v3+. */
  members: LeaveGroupMember[];
}

export interface LeaveGroupResponse {
  /** v1+. */
  throttleTimeMs?: number;
  errorCode: number;
  /** v3+. */
  members?: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export const LeaveGroupApi = defineApi<LeaveGroupRequest, LeaveGroupResponse>(
  13,
  'LeaveGroup',
  '0-5',
  '4+',
  [
    field('groupId', 'string', '0+'),
    field('memberId', 'string', '0-2'),
    structs('members', '3+', [
      field('memberId', 'string', '3+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
      field('reason', 'string', '5+', { nullable: '5+', default: null }),
    ]),
  ],
  [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    structs('members', '3+', [
      field('memberId', 'string', '3+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
      field('errorCode', 'int16', '3+'),
    ]),
  ],
);

export function decodeLeaveGroupRequest(r: KafkaReader, version: number): LeaveGroupRequest {
  return LeaveGroupApi.request.decode(r, version);
}

export function encodeLeaveGroupRequest(
  w: KafkaWriter,
  version: number,
  request: LeaveGroupRequest,
) {
  LeaveGroupApi.request.encode(w, version, request);
}

export function decodeLeaveGroupResponse(r: KafkaReader, version: number): LeaveGroupResponse {
  return LeaveGroupApi.response.decode(r, version);
}

export function encodeLeaveGroupResponse(
  w: KafkaWriter,
  version: number,
  response: LeaveGroupResponse,
) {
  LeaveGroupApi.response.encode(w, version, response);
}
