// One consumer group of Kafka's classic group protocol (Kafka's GroupMetadata and MemberMetadata):
// its state, generation, members with their offered protocols, the protocol choice, and the
// offsets committed for it, and the JoinGroup request that adds a member. The state machine that
// moves it lives in group-coordinator.ts.

import type { BrokerErrorCode } from './broker-errors.js';
import type { BrokerTimer } from './clock.js';

/** Kafka's GroupState (classic protocol). */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** One protocol (assignor) a member offers, with its opaque metadata. */
export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** A JoinGroup request as the coordinator takes it (shared with group-static-member.ts). */
export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  /** JoinGroup v0 has none: pass the session timeout, as Kafka does. */
  readonly rebalanceTimeoutMs: number;
  /** "" on a first join. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  readonly clientId: string;
  readonly clientHost: string;
  /** JoinGroup v4+: a first join gets MEMBER_ID_REQUIRED and must come back with that id. */
  readonly requireKnownMemberId: boolean;
}

export interface JoinGroupMemberInfo {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

export interface JoinGroupResult {
  readonly errorCode: BrokerErrorCode;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly skipAssignment: boolean;
  readonly memberId: string;
  /** Every member's metadata for the chosen protocol: only in the leader's response. */
  readonly members: readonly JoinGroupMemberInfo[];
}

export interface SyncGroupResult {
  readonly errorCode: BrokerErrorCode;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface CommittedOffset {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
}

export class GroupMember {
  protocols: readonly GroupProtocol[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup of this member waits for the join round to complete. */
  awaitingJoin: ((result: JoinGroupResult) => void) | undefined;
  /** Set while a SyncGroup of this member waits for the leader's assignments. */
  awaitingSync: ((result: SyncGroupResult) => void) | undefined;
  /** Fires when the member has not been heard from within its session timeout. */
  sessionTimer: BrokerTimer | undefined;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    readonly protocolType: string,
    protocols: readonly GroupProtocol[],
    sessionTimeoutMs: number,
    rebalanceTimeoutMs: number,
  ) {
    this.protocols = protocols;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
  }

  /** The metadata this member offered for `protocolName` (empty if it offered none). */
  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /** Whether `protocols` is exactly what the member offered last (names, order and metadata). */
  offersSame(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) =>
          p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata),
      )
    );
  }
}

export class ConsumerGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED (KIP-394), expiring after a session timeout. */
  readonly pendingMembers = new Map<string, BrokerTimer>();
  /** groupInstanceId → memberId of the static members (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** topic → partition → the committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** The running join round's timer (PreparingRebalance). */
  joinTimer: BrokerTimer | undefined;
  /** Whether the running join round is the first of an empty group (group.initial.rebalance.delay.ms). */
  initialJoinRound = false;
  /** Members that joined during the initial delay: the delay is extended once more for them. */
  newMemberJoinedDuringDelay = false;
  /** Bounds how long members of a completed join round may take to send SyncGroup. */
  syncTimer: BrokerTimer | undefined;

  constructor(readonly groupId: string) {}

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null)
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member === undefined) return;
    this.members.delete(memberId);
    if (
      member.groupInstanceId !== null &&
      this.staticMembers.get(member.groupInstanceId) === memberId
    ) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    if (this.members.size === 0 && this.state !== 'PreparingRebalance') this.protocolType = null;
  }

  /** The protocols every member offers, in the leader's order of preference. */
  candidateProtocols(): string[] {
    const all = [...this.members.values()];
    const leader = (this.leaderId !== null ? this.members.get(this.leaderId) : undefined) ?? all[0];
    if (leader === undefined) return [];
    return leader.protocols
      .map((p) => p.name)
      .filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /**
   * Whether a member offering these may join (GroupMetadata.supportsProtocols): the same
   * protocol type, and at least one protocol every current member offers too.
   */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.includes(p.name));
  }

  /**
   * The protocol for the new generation (GroupMetadata.selectProtocol): each member votes for the
   * first candidate in its own order; most votes wins, ties go to the leader's preference.
   */
  selectProtocol(): string | null {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const vote = member.protocols.find((p) => candidates.includes(p.name))?.name;
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let chosen: string | null = null;
    for (const name of candidates) {
      if (chosen === null || (votes.get(name) ?? 0) > (votes.get(chosen) ?? 0)) chosen = name;
    }
    return chosen;
  }

  /** Every member has sent JoinGroup this round and no MEMBER_ID_REQUIRED id is outstanding. */
  hasAllMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (member.awaitingJoin === undefined) return false;
    return true;
  }

  /** The longest rebalance timeout of the members: how long a join round may wait. */
  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /** The join round's member list for the leader: each member's metadata for the chosen protocol. */
  memberMetadata(): JoinGroupMemberInfo[] {
    const protocol = this.protocolName ?? '';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }));
  }
}

/** A JoinGroup answer carrying only an error (and, for MEMBER_ID_REQUIRED, the id to use). */
export function joinFailure(errorCode: BrokerErrorCode, memberId: string): JoinGroupResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

/** A SyncGroup answer carrying only an error. */
export function syncFailure(errorCode: BrokerErrorCode): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}
