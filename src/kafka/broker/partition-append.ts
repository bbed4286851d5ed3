// Appending a producer's batch to a partition as Kafka's UnifiedLog.append does: the idempotent
// producer checks first (KIP-98), a duplicate answered with the original offsets and not stored.

import { BrokerError, type BrokerErrorCode } from './broker-errors.js';
import type { BatchToAppend, PartitionLog } from './partition-log.js';
import type { ProducerBatch } from './producer-state.js';

export interface ProducedBatch extends BatchToAppend, ProducerBatch {}

export interface AppendOutcome {
  readonly errorCode: BrokerErrorCode;
  readonly errorMessage: string | null;
  /** The batch's first offset (the original one for a duplicate); -1 on error. */
  readonly baseOffset: number;
  readonly logStartOffset: number;
}

/** Checks the batch against the partition's producer state, then stores it unless a duplicate. */
export function appendProducedBatch(log: PartitionLog, batch: ProducedBatch): AppendOutcome {
  const check = log.producerStates.check(batch);
  if (check.kind === 'rejected') {
    return {
      errorCode: check.errorCode,
      errorMessage: check.message,
      baseOffset: -1,
      logStartOffset: log.logStartOffset,
    };
  }
  if (check.kind === 'duplicate') {
    return {
      errorCode: BrokerError.NONE,
      errorMessage: null,
      baseOffset: check.baseOffset,
      logStartOffset: log.logStartOffset,
    };
  }
  const stored = log.append(batch);
  log.producerStates.recordAppend(batch, stored.baseOffset, stored.lastOffset);
  return {
    errorCode: BrokerError.NONE,
    errorMessage: null,
    baseOffset: stored.baseOffset,
    logStartOffset: log.logStartOffset,
  };
}
