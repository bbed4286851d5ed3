// ListOffsets (v0-5): earliest (-2) is the log start offset, latest (-1) the high watermark (also
// the last stable offset: no transactions), any other timestamp the first record whose timestamp
// is at least it (Kafka's fetchOffsetByTimestamp). v0 answers in its old offsets-array form.

import {
  decodeRecordBatch,
  ErrorCode,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponsePartition,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import { LEADER_EPOCH, type PartitionLog } from '../partition-log.js';

const LATEST = -1;
const EARLIEST = -2;

export function handleListOffsets(
  context: BrokerContext,
  request: ListOffsetsRequest,
  version: number,
): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((asked): ListOffsetsResponsePartition => {
        const log = context.topics.partition(topic.name, asked.partitionIndex);
        if (log === undefined) {
          return {
            partitionIndex: asked.partitionIndex,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            oldStyleOffsets: [],
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
          };
        }
        const found = offsetFor(log, asked.timestamp);
        return {
          partitionIndex: asked.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: version === 0 && found.offset >= 0 ? [found.offset] : [],
          timestamp: found.timestamp,
          offset: found.offset,
          leaderEpoch: found.offset >= 0 ? LEADER_EPOCH : -1,
        };
      }),
    })),
  };
}

/** The offset (and its record's timestamp, -1 for earliest/latest) for a ListOffsets timestamp. */
export function offsetFor(
  log: PartitionLog,
  timestamp: number,
): { offset: number; timestamp: number } {
  if (timestamp === LATEST) return { offset: log.highWatermark, timestamp: -1 };
  if (timestamp === EARLIEST) return { offset: log.logStartOffset, timestamp: -1 };
  const batch = log.batchForTimestamp(timestamp);
  if (batch === undefined) return { offset: -1, timestamp: -1 };
  try {
    const { records } = decodeRecordBatch(batch.bytes, { verifyCrc: false });
    const record = records.find((r) => r.timestamp >= timestamp);
    if (record !== undefined) return { offset: record.offset, timestamp: record.timestamp };
  } catch {
    // A batch whose records this broker cannot read (a codec it lacks): its first offset will do.
  }
  return { offset: batch.baseOffset, timestamp: batch.maxTimestamp };
}
