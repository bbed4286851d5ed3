// The group coordinator of Kafka's classic consumer group protocol (Kafka's GroupCoordinator:
// handleJoinGroup, handleSyncGroup, handleHeartbeat, handleLeaveGroup), with KIP-394 (member id
// required on first join) and KIP-345 (static members); offsets are in group-offsets.ts.

import { randomUUID } from 'node:crypto';
import { BrokerError, type BrokerErrorCode } from './broker-errors.js';
import { type BrokerClock, systemClock } from './clock.js';
import {
  ConsumerGroup,
  GroupMember,
  type JoinGroupRequest,
  type JoinGroupResult,
  joinFailure,
  type SyncGroupResult,
  syncFailure,
} from './consumer-group.js';
import { GroupRebalancer } from './group-rebalance.js';
import { replaceStaticMemberInPlace } from './group-static-member.js';

export interface GroupCoordinatorOptions {
  readonly clock?: BrokerClock;
  /** group.initial.rebalance.delay.ms (Kafka: 3000); an empty group's first round waits this. */
  readonly initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms (Kafka: 6000). */
  readonly minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms (Kafka: 1800000). */
  readonly maxSessionTimeoutMs?: number;
}

export type { JoinGroupRequest } from './consumer-group.js';

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** SyncGroup v5+; null in earlier versions (not checked). */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** The leader's assignments; empty from followers. */
  readonly assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>;
}

export interface MemberIdentity {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  readonly errorCode: BrokerErrorCode;
  readonly members: ReadonlyArray<LeavingMember & { readonly errorCode: BrokerErrorCode }>;
}

export class GroupCoordinator {
  readonly groups = new Map<string, ConsumerGroup>();
  readonly clock: BrokerClock;
  private readonly rebalancer: GroupRebalancer;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private closed = false;

  constructor(options: GroupCoordinatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rebalancer = new GroupRebalancer(this.clock, options.initialRebalanceDelayMs ?? 100);
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 6000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
  }

  /** JoinGroup: resolves when the join round completes (or at once with an error). */
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResult> {
    const error = this.joinError(request);
    if (error !== undefined) return Promise.resolve(joinFailure(error, request.memberId));
    let group = this.groups.get(request.groupId);
    if (request.memberId === '') {
      if (group === undefined) {
        group = new ConsumerGroup(request.groupId);
        this.groups.set(request.groupId, group);
      }
      return this.joinAsNewMember(group, request);
    }
    if (group === undefined)
      return Promise.resolve(joinFailure(BrokerError.UNKNOWN_MEMBER_ID, request.memberId));
    return this.joinAsKnownMember(group, request);
  }

  /** SyncGroup: the leader's assignments stored and handed to every member of the generation. */
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResult> {
    const group = this.groups.get(request.groupId);
    const error = this.memberError(group, request) ?? this.protocolMismatch(group!, request);
    if (error !== undefined) return Promise.resolve(syncFailure(error));
    const member = group!.members.get(request.memberId)!;
    if (group!.state === 'PreparingRebalance')
      return Promise.resolve(syncFailure(BrokerError.REBALANCE_IN_PROGRESS));
    if (group!.state === 'Stable') return Promise.resolve(this.syncResult(group!, member));
    return new Promise((resolve) => {
      member.awaitingSync = resolve;
      this.rebalancer.scheduleSessionExpiry(group!, member);
      if (member.memberId === group!.leaderId) this.storeAssignments(group!, request);
    });
  }

  /** Heartbeat (GroupCoordinator.handleHeartbeat). */
  heartbeat(request: MemberIdentity): BrokerErrorCode {
    const group = this.groups.get(request.groupId);
    const error = this.memberError(group, request);
    if (error !== undefined) return error;
    const member = group!.members.get(request.memberId)!;
    this.rebalancer.scheduleSessionExpiry(group!, member);
    return group!.state === 'PreparingRebalance'
      ? BrokerError.REBALANCE_IN_PROGRESS
      : BrokerError.NONE;
  }

  /** LeaveGroup for one or (v3+) several members. */
  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    const group = this.groups.get(groupId);
    const members = leaving.map((m) => ({ ...m, errorCode: this.leave(group, m) }));
    return { errorCode: BrokerError.NONE, members };
  }

  /** Ends every group's timers and answers waiting joins and syncs; the coordinator is unusable after. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      this.rebalancer.shutDown(group, BrokerError.COORDINATOR_NOT_AVAILABLE);
    }
  }

  /** The session-expiry scheduling, shared with offset commits (a commit counts as a heartbeat). */
  touchMember(group: ConsumerGroup, memberId: string): void {
    const member = group.members.get(memberId);
    if (member !== undefined) this.rebalancer.scheduleSessionExpiry(group, member);
  }

  /** The group, created empty if absent (simple offset commits). */
  groupForCommit(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /**
   * Whether `identity` names a current member (Kafka's validateCurrentMember): a static member
   * replaced by a newer instance is FENCED_INSTANCE_ID, an unknown one UNKNOWN_MEMBER_ID.
   */
  memberError(
    group: ConsumerGroup | undefined,
    identity: MemberIdentity,
  ): BrokerErrorCode | undefined {
    if (this.closed || group?.state === 'Dead') return BrokerError.COORDINATOR_NOT_AVAILABLE;
    if (group === undefined) return BrokerError.UNKNOWN_MEMBER_ID;
    if (identity.groupInstanceId !== null) {
      const current = group.staticMembers.get(identity.groupInstanceId);
      if (current !== undefined && current !== identity.memberId)
        return BrokerError.FENCED_INSTANCE_ID;
    }
    if (!group.members.has(identity.memberId)) return BrokerError.UNKNOWN_MEMBER_ID;
    if (identity.generationId !== group.generationId) return BrokerError.ILLEGAL_GENERATION;
    return undefined;
  }

  private joinError(request: JoinGroupRequest): BrokerErrorCode | undefined {
    if (this.closed) return BrokerError.COORDINATOR_NOT_AVAILABLE;
    if (request.groupId === '') return BrokerError.INVALID_GROUP_ID;
    if (
      request.sessionTimeoutMs < this.minSessionTimeoutMs ||
      request.sessionTimeoutMs > this.maxSessionTimeoutMs
    ) {
      return BrokerError.INVALID_SESSION_TIMEOUT;
    }
    return undefined;
  }

  private joinAsNewMember(
    group: ConsumerGroup,
    request: JoinGroupRequest,
  ): Promise<JoinGroupResult> {
    if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      return Promise.resolve(joinFailure(BrokerError.INCONSISTENT_GROUP_PROTOCOL, ''));
    }
    const memberId = `${request.clientId}-${randomUUID()}`;
    if (request.groupInstanceId !== null) {
      // KIP-345: a static member coming back under a new member id replaces its old self:
      // in place when nothing changed, else through a rebalance.
      const previousId = group.staticMembers.get(request.groupInstanceId);
      const previous = previousId === undefined ? undefined : group.members.get(previousId);
      if (previous !== undefined) {
        const replaced = replaceStaticMemberInPlace(
          group,
          previous,
          request,
          memberId,
          this.rebalancer,
        );
        if (replaced !== undefined) return Promise.resolve(replaced);
        this.rebalancer.removeMember(group, previous, BrokerError.FENCED_INSTANCE_ID);
      }
    } else if (request.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that gives up before the join round ends
      // leaves no member behind; the id is forgotten after a session timeout.
      group.pendingMembers.set(
        memberId,
        this.clock.schedule(request.sessionTimeoutMs, () => {
          group.pendingMembers.delete(memberId);
          this.rebalancer.tryCompleteJoin(group);
        }),
      );
      return Promise.resolve(joinFailure(BrokerError.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, request, memberId);
  }

  private joinAsKnownMember(
    group: ConsumerGroup,
    request: JoinGroupRequest,
  ): Promise<JoinGroupResult> {
    const pending = group.pendingMembers.get(request.memberId);
    if (pending !== undefined) {
      if (!group.supportsProtocols(request.protocolType, request.protocols)) {
        return Promise.resolve(
          joinFailure(BrokerError.INCONSISTENT_GROUP_PROTOCOL, request.memberId),
        );
      }
      pending.cancel();
      group.pendingMembers.delete(request.memberId);
      return this.addMemberAndRebalance(group, request, request.memberId);
    }
    const error = this.memberError(group, { ...request, generationId: group.generationId });
    if (error !== undefined) return Promise.resolve(joinFailure(error, request.memberId));
    const member = group.members.get(request.memberId)!;
    if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      return Promise.resolve(
        joinFailure(BrokerError.INCONSISTENT_GROUP_PROTOCOL, request.memberId),
      );
    }
    const unchanged = member.offersSame(request.protocols);
    const isLeader = member.memberId === group.leaderId;
    if (
      (group.state === 'CompletingRebalance' && unchanged) ||
      (group.state === 'Stable' && unchanged && !isLeader)
    ) {
      // It lost the answer to its last join (or a follower rejoined with nothing new): the
      // current generation is still right for it.
      this.rebalancer.scheduleSessionExpiry(group, member);
      return Promise.resolve(this.rebalancer.currentJoinResult(group, member));
    }
    return this.updateMemberAndRebalance(group, member, request);
  }

  private addMemberAndRebalance(
    group: ConsumerGroup,
    request: JoinGroupRequest,
    memberId: string,
  ): Promise<JoinGroupResult> {
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
    const answer = new Promise<JoinGroupResult>((resolve) => {
      member.awaitingJoin = resolve;
    });
    group.add(member);
    this.rejoined(group);
    return answer;
  }

  private updateMemberAndRebalance(
    group: ConsumerGroup,
    member: GroupMember,
    request: JoinGroupRequest,
  ): Promise<JoinGroupResult> {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    const answer = new Promise<JoinGroupResult>((resolve) => {
      // A second JoinGroup while one waits: the older one is answered as Kafka does (its
      // callback is replaced), with an error so the client does not act on it.
      member.awaitingJoin?.(joinFailure(BrokerError.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingJoin = resolve;
    });
    this.rejoined(group);
    return answer;
  }

  private rejoined(group: ConsumerGroup): void {
    if (group.state === 'PreparingRebalance') this.rebalancer.noteMemberJoined(group);
    else this.rebalancer.prepareRebalance(group);
  }

  private protocolMismatch(
    group: ConsumerGroup,
    request: SyncGroupRequest,
  ): BrokerErrorCode | undefined {
    if (request.protocolType !== null && request.protocolType !== group.protocolType) {
      return BrokerError.INCONSISTENT_GROUP_PROTOCOL;
    }
    if (request.protocolName !== null && request.protocolName !== group.protocolName) {
      return BrokerError.INCONSISTENT_GROUP_PROTOCOL;
    }
    return undefined;
  }

  /** The leader's sync: assignments stored (absent members get none), the group Stable. */
  private storeAssignments(group: ConsumerGroup, request: SyncGroupRequest): void {
    const given = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
    for (const member of group.members.values()) {
      member.assignment = given.get(member.memberId) ?? Buffer.alloc(0);
    }
    group.syncTimer?.cancel();
    group.syncTimer = undefined;
    group.state = 'Stable';
    for (const member of group.members.values()) {
      const answer = member.awaitingSync;
      if (answer === undefined) continue;
      member.awaitingSync = undefined;
      answer(this.syncResult(group, member));
    }
  }

  private syncResult(group: ConsumerGroup, member: GroupMember): SyncGroupResult {
    return {
      errorCode: BrokerError.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    };
  }

  private leave(group: ConsumerGroup | undefined, leaving: LeavingMember): BrokerErrorCode {
    if (this.closed || group?.state === 'Dead') return BrokerError.COORDINATOR_NOT_AVAILABLE;
    if (group === undefined) return BrokerError.UNKNOWN_MEMBER_ID;
    const pending = group.pendingMembers.get(leaving.memberId);
    if (pending !== undefined) {
      pending.cancel();
      group.pendingMembers.delete(leaving.memberId);
      this.rebalancer.tryCompleteJoin(group);
      return BrokerError.NONE;
    }
    // KIP-345: a static member may leave by instance id alone (member id "").
    const memberId =
      leaving.groupInstanceId !== null && leaving.memberId === ''
        ? (group.staticMembers.get(leaving.groupInstanceId) ?? '')
        : leaving.memberId;
    const error = this.memberError(group, {
      groupId: group.groupId,
      groupInstanceId: leaving.groupInstanceId,
      memberId,
      generationId: group.generationId,
    });
    if (error !== undefined) return error;
    this.rebalancer.removeMember(
      group,
      group.members.get(memberId)!,
      BrokerError.UNKNOWN_MEMBER_ID,
    );
    return BrokerError.NONE;
  }
}
