// The "user-offers" topic: one partition fed from handwire's offer event log, Kafka offset = event
// offset, key = user id, value = the event as JSON with offers.proto's snake_case field names,
// header content-type: application/json. Events appended together become one record batch.

import type { OfferEvent, OfferEventLog } from '../../store/offer-event-log.js';
import { buildRecordBatch, type RecordInput } from '../protocol/index.js';
import type { PartitionLog } from './partition-log.js';
import type { TopicRegistry } from './topics.js';

export const OFFER_EVENTS_TOPIC = 'user-offers';

/** Events per record batch at most, so that one batch stays well under fetch sizes. */
const MAX_EVENTS_PER_BATCH = 500;
/**
 * Batches built per turn of the event loop. Building one costs ~9 µs an event (JSON, CRC-32C), so
 * a log of a million events copied in one go would hold gRPC calls on the same process for
 * seconds; two batches (~10 ms) at a time, then the loop gets its turn.
 */
const MAX_BATCHES_PER_TURN = 2;

const CONTENT_TYPE_JSON = [{ key: 'content-type', value: Buffer.from('application/json') }];

/** The record value: all seven fields, integers as JSON numbers. */
export function offerEventJson(event: OfferEvent): string {
  return JSON.stringify({
    event_id: event.eventId,
    offset: event.offset,
    user_id: event.userId,
    from_offer: event.fromOffer,
    to_offer: event.toOffer,
    migration_id: event.migrationId,
    occurred_at: event.occurredAt,
  });
}

export interface OfferEventsFeed {
  /** Stops following the log. */
  stop(): void;
}

/**
 * Creates the read-only "user-offers" topic and keeps it fed: every event already in the log at
 * once, then each new one shortly after it is appended (a burst of appends lands in one batch).
 */
export function feedOfferEventsTopic(
  topics: TopicRegistry,
  events: OfferEventLog,
): OfferEventsFeed {
  const created = topics.create({
    name: OFFER_EVENTS_TOPIC,
    numPartitions: 1,
    replicationFactor: 1,
    readOnlyToProducers: true,
  });
  if (created.topic === undefined)
    throw new Error(`cannot create ${OFFER_EVENTS_TOPIC}: ${created.errorMessage}`);
  const partition = created.topic.partitions[0]!;
  let stopped = false;
  let scheduled: NodeJS.Immediate | undefined;
  const wake = () => {
    scheduled ??= setImmediate(() => {
      scheduled = undefined;
      copyNewEvents();
    });
  };
  const copyNewEvents = () => {
    if (stopped) return;
    if (appendEvents(partition, events)) events.onNextAppend(wake);
    else wake();
  };
  copyNewEvents();
  return {
    stop() {
      stopped = true;
      events.cancelWait(wake);
      if (scheduled !== undefined) clearImmediate(scheduled);
    },
  };
}

/**
 * Appends events the partition does not have yet, in batches, at most MAX_BATCHES_PER_TURN of
 * them; true when the partition has caught up with the log.
 */
function appendEvents(partition: PartitionLog, events: OfferEventLog): boolean {
  for (let built = 0; partition.logEndOffset < events.endOffset; built++) {
    if (built === MAX_BATCHES_PER_TURN) return false;
    const from = partition.logEndOffset;
    const slice = events.slice(from, Math.min(events.endOffset, from + MAX_EVENTS_PER_BATCH));
    const records: RecordInput[] = slice.map((event) => ({
      key: Buffer.from(event.userId),
      value: Buffer.from(offerEventJson(event)),
      headers: CONTENT_TYPE_JSON,
      timestamp: event.occurredAt,
    }));
    let maxTimestamp = -1;
    for (const event of slice) maxTimestamp = Math.max(maxTimestamp, event.occurredAt);
    partition.append({
      bytes: buildRecordBatch(records),
      lastOffsetDelta: records.length - 1,
      maxTimestamp,
    });
  }
  return true;
}
