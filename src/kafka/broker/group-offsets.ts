// Committed offsets of consumer groups (Kafka's GroupCoordinator.handleCommitOffsets and
// handleFetchOffsets, classic protocol): commits checked against the member and generation,
// "simple" commits (generation -1, no member) allowed while a group has no members.

import { BrokerError, type BrokerErrorCode } from './broker-errors.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { GroupCoordinator } from './group-coordinator.js';

/** Kafka's offset.metadata.max.bytes default. */
export const MAX_OFFSET_METADATA_LENGTH = 4096;

export interface OffsetCommitRequest {
  readonly groupId: string;
  /** -1 for a commit from outside group management. */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly partitions: ReadonlyArray<{
      readonly partitionIndex: number;
      readonly committedOffset: number;
      readonly committedLeaderEpoch: number;
      readonly committedMetadata: string | null;
    }>;
  }>;
}

export interface PartitionResult {
  readonly partitionIndex: number;
  readonly errorCode: number;
}

export interface OffsetCommitTopicResult {
  readonly name: string;
  readonly partitions: readonly PartitionResult[];
}

export interface FetchedOffset {
  readonly partitionIndex: number;
  /** -1 when nothing was committed. */
  readonly committedOffset: number;
  readonly committedLeaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: number;
}

export interface OffsetFetchTopicResult {
  readonly name: string;
  readonly partitions: readonly FetchedOffset[];
}

/**
 * OffsetCommit. `partitionExists` answers UNKNOWN_TOPIC_OR_PARTITION for partitions the broker
 * does not have, as Kafka's KafkaApis does before asking the coordinator.
 */
export function commitOffsets(
  coordinator: GroupCoordinator,
  request: OffsetCommitRequest,
  partitionExists: (topic: string, partition: number) => boolean,
): OffsetCommitTopicResult[] {
  const groupError = commitError(coordinator, request);
  const group = groupError === undefined ? coordinator.groupForCommit(request.groupId) : undefined;
  const now = coordinator.clock.now();
  const results = request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p): PartitionResult => {
      let errorCode: number = groupError ?? BrokerError.NONE;
      if (!partitionExists(topic.name, p.partitionIndex)) {
        errorCode = BrokerError.UNKNOWN_TOPIC_OR_PARTITION;
      } else if (
        errorCode === BrokerError.NONE &&
        (p.committedMetadata?.length ?? 0) > MAX_OFFSET_METADATA_LENGTH
      ) {
        errorCode = BrokerError.OFFSET_METADATA_TOO_LARGE;
      } else if (errorCode === BrokerError.NONE) {
        storeOffset(group!, topic.name, p.partitionIndex, {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? '',
          commitTimestamp: now,
        });
      }
      return { partitionIndex: p.partitionIndex, errorCode };
    }),
  }));
  if (group !== undefined) coordinator.touchMember(group, request.memberId);
  return results;
}

/** OffsetFetch of one group: `topics` null asks for every committed offset of the group. */
export function fetchOffsets(
  coordinator: GroupCoordinator,
  groupId: string,
  topics: ReadonlyArray<{
    readonly name: string;
    readonly partitionIndexes: readonly number[];
  }> | null,
): OffsetFetchTopicResult[] {
  const group = coordinator.groups.get(groupId);
  if (topics === null) {
    return [...(group?.offsets ?? new Map()).entries()].map(([name, partitions]) => ({
      name,
      partitions: [...partitions.entries()].map(([index, committed]) => fetched(index, committed)),
    }));
  }
  return topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitionIndexes.map((index) =>
      fetched(index, group?.offsets.get(topic.name)?.get(index)),
    ),
  }));
}

/** Kafka's validateOffsetCommit for the classic protocol, plus the group-level states. */
function commitError(
  coordinator: GroupCoordinator,
  request: OffsetCommitRequest,
): BrokerErrorCode | undefined {
  const group = coordinator.groups.get(request.groupId);
  if (request.groupId === '') return BrokerError.INVALID_GROUP_ID;
  const managed =
    request.generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null;
  if (group === undefined) {
    // Not managed by the coordinator: a simple commit creates the group; anything else is a
    // member of a generation this coordinator never had.
    return managed ? BrokerError.ILLEGAL_GENERATION : undefined;
  }
  if (managed) {
    const error = coordinator.memberError(group, request);
    if (error !== undefined) return error;
  } else if (group.state === 'Dead') {
    return BrokerError.COORDINATOR_NOT_AVAILABLE;
  } else if (group.members.size > 0) {
    // Only members may commit for a group that has some.
    return BrokerError.UNKNOWN_MEMBER_ID;
  }
  // The member has its generation's JoinGroup answer but the leader has not synced yet.
  if (group.state === 'CompletingRebalance') return BrokerError.REBALANCE_IN_PROGRESS;
  return undefined;
}

function storeOffset(
  group: ConsumerGroup,
  topic: string,
  partition: number,
  committed: { offset: number; leaderEpoch: number; metadata: string; commitTimestamp: number },
): void {
  let partitions = group.offsets.get(topic);
  if (partitions === undefined) {
    partitions = new Map();
    group.offsets.set(topic, partitions);
  }
  partitions.set(partition, committed);
}

function fetched(
  partitionIndex: number,
  committed: { offset: number; leaderEpoch: number; metadata: string } | undefined,
): FetchedOffset {
  return {
    partitionIndex,
    committedOffset: committed?.offset ?? -1,
    committedLeaderEpoch: committed?.leaderEpoch ?? -1,
    metadata: committed?.metadata ?? '',
    errorCode: BrokerError.NONE,
  };
}
