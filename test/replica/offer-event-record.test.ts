// decodeOfferEventRecord (docs/contract.md §3): a record the primary writes decodes to its event;
// each way of breaking the contract's key, value or headers is refused with a sentence naming it.

import t from 'tap';
import { offerEventJson } from '../../src/kafka/broker/offer-events-topic.js';
import { decodeOfferEventRecord, type RawRecord } from '../../src/replica/offer-event-record.js';

const EVENT = {
  eventId: '5b0c2f4e-0000-4000-8000-000000000001',
  offset: 41,
  userId: '0f8e0000-0000-4000-8000-000000000002',
  fromOffer: 'BASIC',
  toOffer: 'PLUS',
  migrationId: '',
  occurredAt: 1764780000000,
};
const JSON_HEADER = [['content-type', Buffer.from('application/json')]] as const;

const record = (overrides: Partial<RawRecord> = {}): RawRecord => ({
  key: Buffer.from(EVENT.userId),
  value: Buffer.from(offerEventJson(EVENT)),
  headers: JSON_HEADER,
  ...overrides,
});

const withValue = (value: Record<string, unknown>): RawRecord =>
  record({ value: Buffer.from(JSON.stringify(value)) });

const fields = JSON.parse(offerEventJson(EVENT)) as Record<string, unknown>;

t.test('the record the primary writes is its event', async (t) => {
  t.same(decodeOfferEventRecord(record()), { ok: true, event: EVENT });
  t.same(
    decodeOfferEventRecord(
      record({ headers: [...JSON_HEADER, ['event-id', Buffer.from(EVENT.eventId)]] }),
    ),
    { ok: true, event: EVENT },
    'with the publisher’s event_id header',
  );
  t.same(
    decodeOfferEventRecord(withValue({ ...fields, added_later: true })),
    { ok: true, event: EVENT },
    'a field beyond the seven is ignored',
  );
});

const refused: Array<[string, RawRecord, RegExp]> = [
  ['no content-type', record({ headers: [] }), /content-type header is missing/],
  [
    'another content-type',
    record({ headers: [['content-type', Buffer.from('text/plain')]] }),
    /content-type header is "text\/plain"/,
  ],
  ['no key', record({ key: null }), /the key is not a user id/],
  ['a key of another user', record({ key: Buffer.from('someone') }), /the key "someone" is not/],
  ['a tombstone', record({ value: null }), /the value is missing \(a tombstone\)/],
  ['not JSON', record({ value: Buffer.from('{oops') }), /the value is not JSON/],
  ['not UTF-8', record({ value: Buffer.from([0xff, 0xfe]) }), /the value is not UTF-8/],
  ['a JSON array', record({ value: Buffer.from('[1]') }), /JSON but not an object/],
  ['a missing field', withValue({ ...fields, event_id: undefined }), /event_id is missing/],
  ['an offset as a string', withValue({ ...fields, offset: '41' }), /offset is "41", want a whole/],
  ['a negative time', withValue({ ...fields, occurred_at: -1 }), /occurred_at is -1/],
  ['a bad code', withValue({ ...fields, to_offer: 'plus' }), /to_offer is "plus", want an offer/],
  ['no change', withValue({ ...fields, from_offer: 'PLUS' }), /both "PLUS": an event is a change/],
  [
    'an event_id header that disagrees',
    record({ headers: [...JSON_HEADER, ['event-id', Buffer.from('other')]] }),
    /the event-id header "other" is not the value's/,
  ],
];

for (const [name, input, reason] of refused) {
  t.test(`refused: ${name}`, async (t) => {
    const decoded = decodeOfferEventRecord(input);
    t.equal(decoded.ok, false);
    t.match(decoded, { reason: /^not an offer event: / });
    t.match(decoded, { reason });
  });
}

t.test('every problem is named at once', async (t) => {
  const decoded = decodeOfferEventRecord(
    record({
      key: null,
      headers: [],
      value: Buffer.from(JSON.stringify({ ...fields, offset: -2 })),
    }),
  );
  t.match(decoded, { reason: /content-type.*; the key.*; offset is -2/ });
});
