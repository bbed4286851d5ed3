// The classic group protocol's rebalance (Kafka's GroupCoordinator: prepareRebalance,
// InitialDelayedJoin/DelayedJoin, onCompleteJoin, heartbeat expiry): join rounds, generations,
// the leader's member list, and members removed when their session or the rebalance times out.

import { BrokerError, type BrokerErrorCode } from './broker-errors.js';
import type { BrokerClock } from './clock.js';
import {
  type ConsumerGroup,
  type GroupMember,
  type JoinGroupResult,
  joinFailure,
  syncFailure,
} from './consumer-group.js';

const NO_ASSIGNMENT = Buffer.alloc(0);

export class GroupRebalancer {
  constructor(
    private readonly clock: BrokerClock,
    /** Kafka's group.initial.rebalance.delay.ms: an empty group's first round waits this long. */
    private readonly initialRebalanceDelayMs: number,
  ) {}

  /**
   * Starts a join round. An empty group waits the initial delay (so consumers starting together
   * land in one generation), extended while more keep arriving within the rebalance timeout;
   * otherwise the round ends when every member has rejoined, or at the rebalance timeout.
   */
  prepareRebalance(group: ConsumerGroup): void {
    if (group.state === 'CompletingRebalance') this.failPendingSyncs(group);
    group.syncTimer?.cancel();
    group.syncTimer = undefined;
    if (group.state === 'PreparingRebalance') return;
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    group.joinTimer?.cancel();
    if (wasEmpty) {
      group.initialJoinRound = true;
      group.newMemberJoinedDuringDelay = false;
      this.scheduleInitialDelay(
        group,
        this.initialRebalanceDelayMs,
        Math.max(0, group.maxRebalanceTimeoutMs() - this.initialRebalanceDelayMs),
      );
    } else {
      group.initialJoinRound = false;
      group.joinTimer = this.clock.schedule(group.maxRebalanceTimeoutMs(), () =>
        this.completeJoin(group),
      );
      this.tryCompleteJoin(group);
    }
  }

  /** Ends the join round now if every member has rejoined (never during the initial delay). */
  tryCompleteJoin(group: ConsumerGroup): void {
    if (
      group.state === 'PreparingRebalance' &&
      !group.initialJoinRound &&
      group.hasAllMembersJoined()
    ) {
      this.completeJoin(group);
    }
  }

  /** A member joined during the join round: an initial delay is extended once more for it. */
  noteMemberJoined(group: ConsumerGroup): void {
    if (group.initialJoinRound) group.newMemberJoinedDuringDelay = true;
    else this.tryCompleteJoin(group);
  }

  /**
   * Ends the join round (onCompleteJoin): members that did not rejoin are removed (static ones
   * kept), the next generation starts, and each joined member gets its answer — the leader with
   * every member's metadata. A member then has its session timeout to heartbeat or sync.
   */
  completeJoin(group: ConsumerGroup): void {
    if (group.state !== 'PreparingRebalance') return;
    group.joinTimer?.cancel();
    group.joinTimer = undefined;
    group.initialJoinRound = false;
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === undefined && member.groupInstanceId === null) {
        member.sessionTimer?.cancel();
        group.remove(member.memberId);
      }
    }
    for (const timer of group.pendingMembers.values()) timer.cancel();
    group.pendingMembers.clear();
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.protocolType = null;
      return;
    }
    const joined = [...group.members.values()].filter((m) => m.awaitingJoin !== undefined);
    if (group.leaderId === null || group.members.get(group.leaderId)?.awaitingJoin === undefined) {
      group.leaderId = joined[0]?.memberId ?? group.leaderId;
    }
    group.protocolName = group.selectProtocol();
    group.state = 'CompletingRebalance';
    for (const member of group.members.values()) member.assignment = NO_ASSIGNMENT;
    const metadata = group.memberMetadata();
    for (const member of joined) {
      const answer = member.awaitingJoin!;
      member.awaitingJoin = undefined;
      answer(this.currentJoinResult(group, member, metadata));
      this.scheduleSessionExpiry(group, member);
    }
    this.scheduleSyncDeadline(group);
  }

  /** The current generation as a JoinGroup answer for `member`. */
  currentJoinResult(
    group: ConsumerGroup,
    member: GroupMember,
    metadata = group.memberMetadata(),
  ): JoinGroupResult {
    return {
      errorCode: BrokerError.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: member.memberId === group.leaderId ? metadata : [],
    };
  }

  /** (Re)starts the member's session: without a heartbeat, join or sync in time it is removed. */
  scheduleSessionExpiry(group: ConsumerGroup, member: GroupMember): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.clock.schedule(member.sessionTimeoutMs, () => {
      member.sessionTimer = undefined;
      if (group.members.get(member.memberId) !== member) return;
      // A member waiting on a join round or on the leader's assignment is bounded by the
      // rebalance timeout instead (MemberMetadata.shouldKeepAlive).
      if (member.awaitingJoin !== undefined || member.awaitingSync !== undefined) {
        this.scheduleSessionExpiry(group, member);
        return;
      }
      this.removeMember(group, member, BrokerError.UNKNOWN_MEMBER_ID);
    });
  }

  /** Removes a member (left, expired or fenced) and rebalances the rest. */
  removeMember(group: ConsumerGroup, member: GroupMember, errorCode: BrokerErrorCode): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = undefined;
    this.answerWithError(member, errorCode);
    group.remove(member.memberId);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      this.prepareRebalance(group);
    } else if (group.state === 'PreparingRebalance') {
      this.tryCompleteJoin(group);
    }
  }

  /** Cancels every timer of the group and answers its waiting members with `errorCode`. */
  shutDown(group: ConsumerGroup, errorCode: BrokerErrorCode): void {
    group.joinTimer?.cancel();
    group.syncTimer?.cancel();
    for (const timer of group.pendingMembers.values()) timer.cancel();
    group.pendingMembers.clear();
    for (const member of group.members.values()) {
      member.sessionTimer?.cancel();
      this.answerWithError(member, errorCode);
    }
    group.state = 'Dead';
  }

  /**
   * Kafka's InitialDelayedJoin: when the delay ends, if members joined during it and rebalance
   * time remains, wait another delay (at most the time remaining); otherwise end the round.
   */
  private scheduleInitialDelay(group: ConsumerGroup, delayMs: number, remainingMs: number): void {
    group.joinTimer = this.clock.schedule(delayMs, () => {
      if (group.newMemberJoinedDuringDelay && remainingMs > 0) {
        group.newMemberJoinedDuringDelay = false;
        const nextDelay = Math.min(this.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelay(group, nextDelay, Math.max(0, remainingMs - nextDelay));
        return;
      }
      group.initialJoinRound = false;
      this.completeJoin(group);
    });
  }

  /**
   * Members of a completed round that have not sent SyncGroup within the rebalance timeout are
   * removed and the group rebalances (Kafka 3.2+, KAFKA-13052: pending sync members).
   */
  private scheduleSyncDeadline(group: ConsumerGroup): void {
    const generation = group.generationId;
    group.syncTimer = this.clock.schedule(group.maxRebalanceTimeoutMs(), () => {
      group.syncTimer = undefined;
      if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return;
      for (const member of [...group.members.values()]) {
        if (member.awaitingSync === undefined) {
          member.sessionTimer?.cancel();
          group.remove(member.memberId);
        }
      }
      if (group.members.size === 0) {
        group.state = 'PreparingRebalance';
        this.completeJoin(group);
      } else {
        this.prepareRebalance(group);
      }
    });
  }

  /** A new join round voids the assignment being computed: waiting syncs retry (Kafka's resetAndPropagateAssignmentError). */
  private failPendingSyncs(group: ConsumerGroup): void {
    for (const member of group.members.values()) {
      const answer = member.awaitingSync;
      if (answer === undefined) continue;
      member.awaitingSync = undefined;
      answer({
        errorCode: BrokerError.REBALANCE_IN_PROGRESS,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        assignment: NO_ASSIGNMENT,
      });
    }
  }

  private answerWithError(member: GroupMember, errorCode: BrokerErrorCode): void {
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = undefined;
    member.awaitingSync = undefined;
    join?.(joinFailure(errorCode, member.memberId));
    sync?.(syncFailure(errorCode));
  }
}
