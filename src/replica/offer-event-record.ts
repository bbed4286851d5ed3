// Reads one "user-offers" record back into an OfferEvent, checking everything docs/contract.md §3
// promises of it: the key is the user id as UTF-8, the value one JSON object with the seven
// snake_case fields of offers.proto's OfferEvent (integers as JSON numbers), the header
// content-type: application/json. A record that breaks any of it gets one sentence saying why,
// which the replica puts on its dead-letter record.
//
// Fields beyond the seven are ignored, as a protobuf JSON reader that discards unknown fields
// would: a newer primary may add one without stopping older replicas. An `event-id` header (the
// publisher of docs/kafka-replica.md adds one) must agree with the value when present.

import type { OfferEvent } from '../store/offer-event-log.js';

/** A record as the replica's consumer hands it over: raw bytes, headers in record order. */
export interface RawRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<readonly [string, Buffer]>;
}

export type DecodedRecord =
  | { readonly ok: true; readonly event: OfferEvent }
  | { readonly ok: false; readonly reason: string };

/** docs/contract.md §2 SetUserOffer: an offer code is 1 to 64 of A–Z 0–9 _ -. */
const OFFER_CODE = /^[A-Z0-9_-]{1,64}$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The record's event, or why it is not one. */
export function decodeOfferEventRecord(record: RawRecord): DecodedRecord {
  const problems: string[] = [];
  const contentType = headerText(record, 'content-type');
  if (contentType !== 'application/json') {
    problems.push(
      contentType === undefined
        ? 'the content-type header is missing (want application/json)'
        : `the content-type header is "${contentType}", not application/json`,
    );
  }
  const key = record.key === null ? undefined : text(record.key);
  if (key === undefined || key === '') problems.push('the key is not a user id in UTF-8');
  const parsed = parseValue(record.value);
  if (typeof parsed === 'string') return fail([...problems, parsed]);
  const event = checkFields(parsed, problems);
  if (event !== undefined && key !== undefined && key !== '' && key !== event.userId) {
    problems.push(`the key "${key}" is not the value's user_id "${event.userId}"`);
  }
  const eventIdHeader = headerText(record, 'event-id');
  if (event !== undefined && eventIdHeader !== undefined && eventIdHeader !== event.eventId) {
    problems.push(`the event-id header "${eventIdHeader}" is not the value's "${event.eventId}"`);
  }
  if (problems.length > 0 || event === undefined) return fail(problems);
  return { ok: true, event };
}

function fail(problems: string[]): DecodedRecord {
  return { ok: false, reason: `not an offer event: ${problems.join('; ')}` };
}

/** The value as a JSON object, or a sentence saying why it is not one. */
function parseValue(value: Buffer | null): Record<string, unknown> | string {
  if (value === null) return 'the value is missing (a tombstone)';
  const json = text(value);
  if (json === undefined) return 'the value is not UTF-8';
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return `the value is not JSON (${(error as Error).message})`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'the value is JSON but not an object';
  }
  return parsed as Record<string, unknown>;
}

/** The seven fields, each checked; pushes a sentence per bad one onto `problems`. */
function checkFields(value: Record<string, unknown>, problems: string[]): OfferEvent | undefined {
  const before = problems.length;
  const string = (name: string, rule: (s: string) => boolean, want: string): string => {
    const field = value[name];
    if (typeof field !== 'string' || !rule(field)) {
      problems.push(`${name} is ${describe(field)}, want ${want}`);
      return '';
    }
    return field;
  };
  const integer = (name: string): number => {
    const field = value[name];
    if (typeof field !== 'number' || !Number.isSafeInteger(field) || field < 0) {
      problems.push(`${name} is ${describe(field)}, want a whole number ≥ 0`);
      return 0;
    }
    return field;
  };
  const event: OfferEvent = {
    eventId: string('event_id', (s) => s !== '', 'a non-empty string'),
    offset: integer('offset'),
    userId: string('user_id', (s) => s !== '', 'a non-empty string'),
    fromOffer: string('from_offer', (s) => s === '' || OFFER_CODE.test(s), '"" or an offer code'),
    toOffer: string('to_offer', (s) => OFFER_CODE.test(s), 'an offer code (1-64 of A-Z 0-9 _ -)'),
    migrationId: string('migration_id', () => true, 'a string'),
    occurredAt: integer('occurred_at'),
  };
  if (problems.length > before) return undefined;
  if (event.fromOffer === event.toOffer) {
    problems.push(`from_offer and to_offer are both "${event.toOffer}": an event is a change`);
    return undefined;
  }
  return event;
}

function describe(field: unknown): string {
  if (field === undefined) return 'missing';
  const shown = JSON.stringify(field);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

/** The first header named `name`, as UTF-8; undefined when absent or not UTF-8. */
function headerText(record: RawRecord, name: string): string | undefined {
  const header = record.headers.find(([key]) => key === name);
  return header === undefined ? undefined : text(header[1]);
}

function text(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
