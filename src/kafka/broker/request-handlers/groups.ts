// JoinGroup (v0-6), SyncGroup (v0-4), Heartbeat (v0-4) and LeaveGroup (v0-4) mapped onto the
// group coordinator; the version-specific shapes (no rebalance timeout in v0, member id required
// from v4 per KIP-394, a batch of leaving members from v3 per KIP-345) are handled here.

import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../protocol/index.js';
import type { BrokerContext, RequestSource } from '../broker-context.js';

export async function handleJoinGroup(
  context: BrokerContext,
  request: JoinGroupRequest,
  version: number,
  source: RequestSource,
): Promise<JoinGroupResponse> {
  const result = await context.groups.joinGroup({
    groupId: request.groupId,
    sessionTimeoutMs: request.sessionTimeoutMs,
    // v0 has no rebalance timeout: Kafka uses the session timeout.
    rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    protocolType: request.protocolType,
    protocols: request.protocols,
    clientId: source.clientId,
    clientHost: source.clientHost,
    requireKnownMemberId: version >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Nullable only from v7: an error answer before it carries "".
    protocolName: result.protocolName ?? (version >= 7 ? null : ''),
    leader: result.leader,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members.map((m) => ({ ...m })),
  };
}

export async function handleSyncGroup(
  context: BrokerContext,
  request: SyncGroupRequest,
  version: number,
): Promise<SyncGroupResponse> {
  const result = await context.groups.syncGroup({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    protocolType: version >= 5 ? request.protocolType : null,
    protocolName: version >= 5 ? request.protocolName : null,
    assignments: request.assignments,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    protocolType: result.protocolType,
    protocolName: result.protocolName,
    assignment: result.assignment,
  };
}

export function handleHeartbeat(
  context: BrokerContext,
  request: HeartbeatRequest,
): HeartbeatResponse {
  return { throttleTimeMs: 0, errorCode: context.groups.heartbeat(request) };
}

export function handleLeaveGroup(
  context: BrokerContext,
  request: LeaveGroupRequest,
  version: number,
): LeaveGroupResponse {
  const leaving =
    version >= 3
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
  const result = context.groups.leaveGroup(request.groupId, leaving);
  if (version < 3) {
    // Before v3 the one member's error is the response's error.
    return { throttleTimeMs: 0, errorCode: result.members[0]!.errorCode };
  }
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    members: result.members.map((m) => ({ ...m })),
  };
}
