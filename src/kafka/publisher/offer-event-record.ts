// One offer event as the record the publisher produces to the external cluster's "user-offers"
// topic (docs/contract.md §3): key = user id, value = the contract's JSON, header
// content-type: application/json like the embedded broker's topic, and header event-id carrying
// the event's id, so a consumer can drop a repeat without parsing the value.

import type { OfferEvent } from '../../store/offer-event-log.js';
import { offerEventJson } from '../broker/offer-events-topic.js';

/** The header naming the event, whose value is the event's `event_id`. */
export const EVENT_ID_HEADER = 'event-id';

/** A record as @platformatic/kafka's string serializers take it. */
export interface OfferEventMessage {
  topic: string;
  partition: number;
  key: string;
  value: string;
  headers: Map<string, string>;
  timestamp: bigint;
}

/** The record of `event`, for partition 0 of `topic` (the contract's topic has one). */
export function offerEventMessage(topic: string, event: OfferEvent): OfferEventMessage {
  return {
    topic,
    partition: 0,
    key: event.userId,
    value: offerEventJson(event),
    headers: new Map([
      ['content-type', 'application/json'],
      [EVENT_ID_HEADER, event.eventId],
    ]),
    timestamp: BigInt(event.occurredAt),
  };
}
