// One partition's log in memory (Kafka's Log/LocalLog reduced to one replica): whole record batches
// stored as received (each copied into a buffer of its own), offsets assigned on append, an offset
// index searched by bisection, fetches of whole batches up to a byte budget (KIP-74), retention by
// bytes, and ListOffsets lookups.

import { setBaseOffset, setPartitionLeaderEpoch } from '../protocol/index.js';
import { BrokerError } from './broker-errors.js';
import { PartitionProducerStates } from './producer-state.js';

/** A record batch v2 as the producer sent it, with the header fields the log needs. */
export interface BatchToAppend {
  /** The whole batch; its baseOffset and partitionLeaderEpoch are overwritten on append. */
  readonly bytes: Buffer;
  /** Records in the batch minus one (the batch header's lastOffsetDelta). */
  readonly lastOffsetDelta: number;
  /** The batch header's maxTimestamp (CreateTime), ms since the epoch. */
  readonly maxTimestamp: number;
}

/** A batch in the log. */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
  /** Bytes of every batch appended before this one since the log began (for MinBytes sums). */
  readonly bytesBefore: number;
  /** The largest maxTimestamp of this batch and all earlier ones: monotone, so bisectable. */
  readonly maxTimestampSoFar: number;
}

export type LogRead =
  | { readonly errorCode: typeof BrokerError.OFFSET_OUT_OF_RANGE }
  | {
      readonly errorCode: typeof BrokerError.NONE;
      readonly batches: Buffer[];
      readonly bytes: number;
    };

export interface PartitionLogOptions {
  /** Oldest batches are dropped while the log holds more (Kafka's retention.bytes); none if absent. */
  readonly retentionBytes?: number;
  /** The offset of the first record; 0 for a new log. */
  readonly startOffset?: number;
}

/** The partition leader epoch of the only replica: it never changes. */
export const LEADER_EPOCH = 0;

/** Dropped batches are compacted out of the array once this many have piled up at its head. */
const COMPACT_AFTER = 1024;

export class PartitionLog {
  /** Batches in offset order; those before `head` were dropped by retention. */
  private batches: StoredBatch[] = [];
  private head = 0;
  private startOffset: number;
  private endOffset: number;
  private bytesEverAppended = 0;
  private retainedBytes = 0;
  private readonly retentionBytes: number;
  private readonly appendListeners = new Set<() => void>();
  /** The idempotent producers' sequences on this partition (Kafka's ProducerStateManager). */
  readonly producerStates = new PartitionProducerStates();

  constructor(options: PartitionLogOptions = {}) {
    this.startOffset = options.startOffset ?? 0;
    this.endOffset = this.startOffset;
    this.retentionBytes = options.retentionBytes ?? Number.POSITIVE_INFINITY;
  }

  /** The first offset still held (moves forward as retention drops batches). */
  get logStartOffset(): number {
    return this.startOffset;
  }

  /** The offset the next record will get. */
  get logEndOffset(): number {
    return this.endOffset;
  }

  /** One replica, so every appended record is committed at once: HW = log end offset. */
  get highWatermark(): number {
    return this.endOffset;
  }

  /** Bytes of the batches held now. */
  get sizeInBytes(): number {
    return this.retainedBytes;
  }

  /** Number of batches held now. */
  get batchCount(): number {
    return this.batches.length - this.head;
  }

  /** Assigns the batch its offsets, stores it, applies retention and wakes waiting fetches. */
  append(batch: BatchToAppend): StoredBatch {
    const baseOffset = this.endOffset;
    const bytes = ownedBytes(batch.bytes);
    // Both fields lie outside the CRC (bytes 0-7 and 12-15): the batch stays valid as sent.
    setBaseOffset(bytes, baseOffset);
    setPartitionLeaderEpoch(bytes, LEADER_EPOCH);
    const previous = this.batches[this.batches.length - 1];
    const stored: StoredBatch = {
      baseOffset,
      lastOffset: baseOffset + batch.lastOffsetDelta,
      maxTimestamp: batch.maxTimestamp,
      bytes,
      bytesBefore: this.bytesEverAppended,
      maxTimestampSoFar: Math.max(batch.maxTimestamp, previous?.maxTimestampSoFar ?? -1),
    };
    this.batches.push(stored);
    this.endOffset = stored.lastOffset + 1;
    this.bytesEverAppended += bytes.length;
    this.retainedBytes += bytes.length;
    this.applyRetention();
    for (const listener of [...this.appendListeners]) listener();
    return stored;
  }

  /**
   * Whole batches from the one holding `fetchOffset` on, as stored, within `maxBytes`. As Kafka
   * does since KIP-74, the first batch is returned even when larger than `maxBytes` if
   * `minOneBatch` (the first partition of a response that returns data); otherwise nothing.
   */
  read(fetchOffset: number, maxBytes: number, minOneBatch = true): LogRead {
    if (fetchOffset < this.startOffset || fetchOffset > this.endOffset) {
      return { errorCode: BrokerError.OFFSET_OUT_OF_RANGE };
    }
    const batches: Buffer[] = [];
    let bytes = 0;
    for (let i = this.indexOfBatchEndingAtOrAfter(fetchOffset); i < this.batches.length; i++) {
      const size = this.batches[i]!.bytes.length;
      if (bytes + size > maxBytes && !(minOneBatch && batches.length === 0)) break;
      batches.push(this.batches[i]!.bytes);
      bytes += size;
    }
    return { errorCode: BrokerError.NONE, batches, bytes };
  }

  /** Bytes a fetch from `fetchOffset` could return now (0 when out of range). */
  bytesAvailableFrom(fetchOffset: number): number {
    if (fetchOffset < this.startOffset || fetchOffset >= this.endOffset) return 0;
    const first = this.batches[this.indexOfBatchEndingAtOrAfter(fetchOffset)]!;
    return this.bytesEverAppended - first.bytesBefore;
  }

  /**
   * The first batch holding a record with timestamp ≥ `timestamp` (ListOffsets by time; the
   * caller may look inside it for the exact record), or undefined when none has.
   */
  batchForTimestamp(timestamp: number): StoredBatch | undefined {
    let low = this.head;
    let high = this.batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.batches[middle]!.maxTimestampSoFar >= timestamp) high = middle;
      else low = middle + 1;
    }
    return this.batches[low];
  }

  /** The batch with the largest timestamp (ListOffsets -3, KIP-734), or undefined when empty. */
  batchWithMaxTimestamp(): StoredBatch | undefined {
    const last = this.batches[this.batches.length - 1];
    if (last === undefined || this.batchCount === 0) return undefined;
    return this.batchForTimestamp(last.maxTimestampSoFar);
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Index of the first held batch whose last offset is ≥ `offset` (bisection on last offsets). */
  private indexOfBatchEndingAtOrAfter(offset: number): number {
    let low = this.head;
    let high = this.batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.batches[middle]!.lastOffset >= offset) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Drops the oldest batches while over the byte limit, always keeping the newest one. */
  private applyRetention(): void {
    while (this.retainedBytes > this.retentionBytes && this.batchCount > 1) {
      const dropped = this.batches[this.head++]!;
      this.retainedBytes -= dropped.bytes.length;
      this.startOffset = this.batches[this.head]!.baseOffset;
    }
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * The batch in memory of its own. A batch is usually a view into a larger allocation: the
 * request it arrived in (a socket read of up to 64 KiB), or one of Node's shared 8 KiB pools that
 * `Buffer.concat` takes small buffers from. Kept as a view, it keeps all of that alive for as long
 * as the log holds it: the soak measured about 4 KB held per one-event batch of ~330 bytes, and
 * retention counted only the 330. One copy at append makes what the log holds what it counts.
 */
function ownedBytes(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const owned = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(owned);
  return owned;
}
