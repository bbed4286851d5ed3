// OffsetCommit (v0-8) and OffsetFetch (v0-8, v8 with several groups per request, KIP-709) onto
// the groups' committed offsets.

import {
  ErrorCode,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import { commitOffsets, fetchOffsets } from '../group-offsets.js';

export function handleOffsetCommit(
  context: BrokerContext,
  request: OffsetCommitRequest,
): OffsetCommitResponse {
  const topics = commitOffsets(
    context.groups,
    {
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      topics: request.topics,
    },
    (topic, partition) => context.topics.partition(topic, partition) !== undefined,
  );
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({ name: t.name, partitions: [...t.partitions] })),
  };
}

export function handleOffsetFetch(
  context: BrokerContext,
  request: OffsetFetchRequest,
  version: number,
): OffsetFetchResponse {
  const fetchGroup = (groupId: string, topics: OffsetFetchRequest['topics']) =>
    fetchOffsets(context.groups, groupId, topics).map((t) => ({
      name: t.name,
      partitions: [...t.partitions],
    }));
  if (version >= 8) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((group) => ({
        groupId: group.groupId,
        topics: fetchGroup(group.groupId, group.topics),
        errorCode: ErrorCode.NONE,
      })),
    };
  }
  return {
    throttleTimeMs: 0,
    topics: fetchGroup(request.groupId, request.topics),
    errorCode: ErrorCode.NONE,
  };
}
