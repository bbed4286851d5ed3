// KIP-345 static membership: a member with a group.instance.id that restarts and joins under a new
// member id takes its old place in a Stable group without a rebalance (Kafka's
// updateStaticMemberAndRebalance), keeping the assignment it had, when nothing else changed.

import {
  type ConsumerGroup,
  GroupMember,
  type JoinGroupRequest,
  type JoinGroupResult,
} from './consumer-group.js';
import type { GroupRebalancer } from './group-rebalance.js';

/**
 * Replaces `previous` by a member with `memberId` and answers with the current generation, or
 * returns undefined when a rebalance is needed instead: the group is not Stable, the member led it
 * (the leader must see the new id to assign), or it offers other protocols.
 */
export function replaceStaticMemberInPlace(
  group: ConsumerGroup,
  previous: GroupMember,
  request: JoinGroupRequest,
  memberId: string,
  rebalancer: GroupRebalancer,
): JoinGroupResult | undefined {
  if (
    group.state !== 'Stable' ||
    previous.memberId === group.leaderId ||
    request.protocolType !== group.protocolType ||
    !previous.offersSame(request.protocols)
  ) {
    return undefined;
  }
  previous.sessionTimer?.cancel();
  const member = new GroupMember(
    memberId,
    request.groupInstanceId,
    request.clientId,
    request.clientHost,
    request.protocolType,
    request.protocols,
    request.sessionTimeoutMs,
    request.rebalanceTimeoutMs,
  );
  member.assignment = previous.assignment;
  group.remove(previous.memberId);
  group.add(member);
  rebalancer.scheduleSessionExpiry(group, member);
  return rebalancer.currentJoinResult(group, member);
}
