// Idempotent producers (KIP-98; Kafka's ProducerStateManager and ProducerAppendInfo): producer ids
// handed out by InitProducerId, and per partition each producer's epoch and its last five batches'
// sequence ranges, so a retried batch is acknowledged with its original offsets and stored once.

import { BrokerError, type BrokerErrorCode } from './broker-errors.js';

/** Kafka keeps the metadata of this many recent batches per producer (NUM_BATCHES_TO_RETAIN). */
export const BATCHES_RETAINED_PER_PRODUCER = 5;

/** A batch header's producer fields (-1 producer id: not an idempotent producer). */
export interface ProducerBatch {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
}

export type SequenceCheck =
  | { readonly kind: 'append' }
  /** Already stored: answer with these offsets, store nothing. */
  | { readonly kind: 'duplicate'; readonly baseOffset: number; readonly lastOffset: number }
  | { readonly kind: 'rejected'; readonly errorCode: BrokerErrorCode; readonly message: string };

interface BatchMetadata {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most BATCHES_RETAINED_PER_PRODUCER. */
  batches: BatchMetadata[];
}

const INT32_MAX = 0x7fffffff;

/** `sequence + increment`, wrapping past Int32.MAX to 0 (DefaultRecordBatch.incrementSequence). */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** Whether `next` directly follows `last` (ProducerAppendInfo.inSequence). */
function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === INT32_MAX);
}

/** InitProducerId without a transactional id: a new producer id each time, epoch 0, as Kafka. */
export class ProducerIdAllocator {
  private nextProducerId: number;

  constructor(firstProducerId = 0) {
    this.nextProducerId = firstProducerId;
  }

  allocate(): { producerId: number; producerEpoch: number } {
    return { producerId: this.nextProducerId++, producerEpoch: 0 };
  }
}

/** The producer state of one partition. */
export class PartitionProducerStates {
  private readonly producers = new Map<number, ProducerEntry>();

  /**
   * What to do with a batch before appending it. Order as Kafka: duplicate first, then the epoch
   * (older → INVALID_PRODUCER_EPOCH, a newer epoch must start at sequence 0), then the sequence
   * (must follow the last one). A producer this partition has never seen may start anywhere:
   * since KIP-360 a broker that lost a producer's state to retention accepts it back.
   */
  check(batch: ProducerBatch): SequenceCheck {
    if (batch.producerId < 0) return { kind: 'append' };
    if (batch.baseSequence < 0) {
      return rejected(
        BrokerError.INVALID_RECORD,
        `Invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId}`,
      );
    }
    const entry = this.producers.get(batch.producerId);
    if (entry === undefined) return { kind: 'append' };
    const firstSequence = batch.baseSequence;
    const lastSequence = incrementSequence(firstSequence, batch.lastOffsetDelta);
    if (batch.producerEpoch === entry.epoch) {
      const original = entry.batches.find(
        (b) => b.firstSequence === firstSequence && b.lastSequence === lastSequence,
      );
      if (original !== undefined) {
        return {
          kind: 'duplicate',
          baseOffset: original.baseOffset,
          lastOffset: original.lastOffset,
        };
      }
    }
    if (batch.producerEpoch < entry.epoch) {
      return rejected(
        BrokerError.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${batch.producerId} is ${batch.producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      );
    }
    if (batch.producerEpoch !== entry.epoch) {
      if (firstSequence !== 0) {
        return rejected(
          BrokerError.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of producer ${batch.producerId}: ${batch.producerEpoch} (request epoch), ${firstSequence} (seq. number), ${entry.epoch} (current producer epoch)`,
        );
      }
      return { kind: 'append' };
    }
    const lastStored = entry.batches[entry.batches.length - 1];
    if (lastStored !== undefined && !inSequence(lastStored.lastSequence, firstSequence)) {
      return rejected(
        BrokerError.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Out of order sequence number for producer ${batch.producerId}: ${firstSequence} (incoming seq. number), ${lastStored.lastSequence} (current end sequence number)`,
      );
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (after `check` said append). */
  recordAppend(batch: ProducerBatch, baseOffset: number, lastOffset: number): void {
    if (batch.producerId < 0) return;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined || entry.epoch !== batch.producerEpoch) {
      entry = { epoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    }
    entry.batches.push({
      firstSequence: batch.baseSequence,
      lastSequence: incrementSequence(batch.baseSequence, batch.lastOffsetDelta),
      baseOffset,
      lastOffset,
    });
    if (entry.batches.length > BATCHES_RETAINED_PER_PRODUCER) entry.batches.shift();
  }

  /** The epoch this partition knows for a producer (tests, diagnostics). */
  epochOf(producerId: number): number | undefined {
    return this.producers.get(producerId)?.epoch;
  }
}

function rejected(errorCode: BrokerErrorCode, message: string): SequenceCheck {
  return { kind: 'rejected', errorCode, message };
}
