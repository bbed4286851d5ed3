// Produce (v0-7): each partition's record batches checked (magic 2, length, CRC-32C), refused for
// unknown or read-only topics, appended through the idempotent producer checks (KIP-98), offsets
// assigned by the log. acks=0 gets no response at all, as the protocol says.

import {
  ErrorCode,
  KafkaProtocolError,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartition,
  type RecordBatchView,
  splitRecordBatches,
} from '../../protocol/index.js';
import { type BrokerContext, CLOSE_CONNECTION } from '../broker-context.js';
import { appendProducedBatch } from '../partition-append.js';
import type { PartitionLog } from '../partition-log.js';

/**
 * The response; for acks=0 undefined (no response), or CLOSE_CONNECTION when a partition failed:
 * the producer hears of nothing else, so Kafka closes the connection to make it refresh.
 */
export function handleProduce(
  context: BrokerContext,
  request: ProduceRequest,
  version: number,
): ProduceResponse | typeof CLOSE_CONNECTION | undefined {
  const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
  const responses = request.topicData.map((topicData) => {
    const topic = context.topics.get(topicData.name);
    return {
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((partition): ProduceResponsePartition => {
        if (!validAcks) return failed(partition.index, ErrorCode.INVALID_REQUIRED_ACKS, null);
        if (topic?.readOnlyToProducers === true) {
          return failed(
            partition.index,
            ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            `Topic ${topic.name} is written by the broker only`,
          );
        }
        const log = topic?.partitions[partition.index];
        if (log === undefined) {
          return failed(partition.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
        }
        return appendPartition(log, partition.index, partition.records, version);
      }),
    };
  });
  if (request.acks === 0) {
    const failed = responses.some((r) =>
      r.partitionResponses.some((p) => p.errorCode !== ErrorCode.NONE),
    );
    return failed ? CLOSE_CONNECTION : undefined;
  }
  return { responses, throttleTimeMs: 0 };
}

function appendPartition(
  log: PartitionLog,
  index: number,
  records: Buffer | null,
  version: number,
): ProduceResponsePartition {
  let batches: RecordBatchView[];
  try {
    batches = splitRecordBatches(records ?? Buffer.alloc(0));
  } catch (error) {
    if (!(error instanceof KafkaProtocolError)) throw error;
    // From v3 Kafka calls an old message format an invalid record (ProduceRequest.validateRecords).
    const code =
      version >= 3 && error.errorCode === ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
        ? ErrorCode.INVALID_RECORD
        : error.errorCode;
    return failed(index, code, error.message);
  }
  if (batches.length === 0 || (version >= 3 && batches.length !== 1)) {
    return failed(
      index,
      ErrorCode.INVALID_RECORD,
      `Produce requests with version 3 or above carry exactly one record batch per partition, got ${batches.length}`,
    );
  }
  let baseOffset = -1;
  for (const { header, bytes } of batches) {
    if (header.isControl || header.isTransactional) {
      return failed(
        index,
        ErrorCode.INVALID_RECORD,
        'transactional and control batches are not supported',
      );
    }
    const outcome = appendProducedBatch(log, {
      // A copy: the request's bytes are a view of a socket chunk the log must not pin.
      bytes: Buffer.from(bytes),
      lastOffsetDelta: header.lastOffsetDelta,
      maxTimestamp: header.maxTimestamp,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
    });
    // A batch the producer state refuses (out of order, fenced epoch) is answered with the
    // partition's log start offset, as Kafka's ReplicaManager does for errors raised by the log
    // itself; errors found before the log (unknown partition, malformed records) keep -1.
    if (outcome.errorCode !== ErrorCode.NONE) {
      return {
        ...failed(index, outcome.errorCode, outcome.errorMessage),
        logStartOffset: outcome.logStartOffset,
      };
    }
    if (baseOffset === -1) baseOffset = outcome.baseOffset;
  }
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset,
    logAppendTimeMs: -1,
    logStartOffset: log.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}

function failed(
  index: number,
  errorCode: number,
  errorMessage: string | null,
): ProduceResponsePartition {
  return {
    index,
    errorCode,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage,
  };
}
