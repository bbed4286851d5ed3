// ReplicaOfferStore (docs/kafka-replica.md "Applying an event"): events apply only at the log's
// end, keep the primary's offsets, count versions as the primary does, and a repeat, a gap, a
// different event at an applied offset or a wrong from_offer change nothing.

import t from 'tap';
import type { OfferEvent } from '../../src/store/offer-event-log.js';
import { ReplicaOfferStore } from '../../src/store/replica-offer-store.js';

const event = (offset: number, userId: string, from: string, to: string): OfferEvent => ({
  eventId: `e${offset}`,
  offset,
  userId,
  fromOffer: from,
  toOffer: to,
  migrationId: '',
  occurredAt: 1_000 + offset,
});

t.test('events in order: offers, versions and the log equal the primary', async (t) => {
  const store = new ReplicaOfferStore();
  t.equal(store.get('u1'), undefined, 'a user no event named is unknown');
  t.equal(store.apply(event(0, 'u1', '', 'BASIC')).kind, 'applied');
  t.equal(store.apply(event(1, 'u2', '', 'PLUS')).kind, 'applied');
  t.equal(store.apply(event(2, 'u1', 'BASIC', 'PREMIUM')).kind, 'applied');
  t.same(store.get('u1'), { userId: 'u1', offerCode: 'PREMIUM', version: 2, updatedAt: 1002 });
  t.same(store.get('u2'), { userId: 'u2', offerCode: 'PLUS', version: 1, updatedAt: 1001 });
  t.same(
    store.log.slice().map((e) => [e.offset, e.eventId]),
    [
      [0, 'e0'],
      [1, 'e1'],
      [2, 'e2'],
    ],
    'the log keeps each event at the offset the primary gave it',
  );
  t.equal(store.userCount, 2);
});

t.test('a repeat changes nothing', async (t) => {
  const store = new ReplicaOfferStore();
  store.apply(event(0, 'u1', '', 'BASIC'));
  store.apply(event(1, 'u1', 'BASIC', 'PLUS'));
  t.same(store.apply(event(0, 'u1', '', 'BASIC')), { kind: 'repeat' });
  t.same(store.apply(event(1, 'u1', 'BASIC', 'PLUS')), { kind: 'repeat' });
  t.equal(store.get('u1')?.version, 2, 'the version is not counted twice');
  t.equal(store.log.endOffset, 2);
});

t.test('what does not continue the history changes nothing and says why', async (t) => {
  const store = new ReplicaOfferStore();
  store.apply(event(0, 'u1', '', 'BASIC'));
  const gap = store.apply(event(2, 'u1', 'BASIC', 'PLUS'));
  t.equal(gap.kind, 'outOfSequence');
  t.match(gap, {
    reason: /at offset 2 but the next one applied must be at 1: events 1 to 1 are missing/,
  });
  const other = store.apply({ ...event(0, 'u9', '', 'GOLD'), eventId: 'other' });
  t.match(other, { kind: 'outOfSequence', reason: /offset 0 already holds event e0, not other/ });
  const from = store.apply(event(1, 'u1', 'PLUS', 'PREMIUM'));
  t.match(from, { kind: 'outOfSequence', reason: /from "PLUS", but their offer is "BASIC"/ });
  t.equal(store.log.endOffset, 1, 'nothing appended');
  t.same(store.get('u1')?.offerCode, 'BASIC');
  t.equal(store.get('u9'), undefined);
});

t.test('the log is read like the primary’s: from an offset, then live', async (t) => {
  const store = new ReplicaOfferStore();
  store.apply(event(0, 'u1', '', 'BASIC'));
  const reader = store.log.read(0);
  t.equal((await reader.next()).value?.eventId, 'e0');
  const next = reader.next();
  store.apply(event(1, 'u1', 'BASIC', 'PLUS'));
  t.equal((await next).value?.offset, 1, 'a live reader gets the applied event');
  await reader.return();
});
