// user-offers: the offer event log as a read-only topic, Kafka offset = event offset, key = user
// id, the seven snake_case fields as JSON, content-type header; live events reach a waiting fetch.

import t from 'tap';
import { OFFER_EVENTS_TOPIC, offerEventJson } from '../../../src/kafka/index.js';
import {
  decodeRecordBatch,
  ErrorCode,
  splitRecordBatches,
} from '../../../src/kafka/protocol/index.js';
import { OfferEventLog } from '../../../src/store/offer-event-log.js';
import { batchOf, brokerWithClient, fetchRequest, produceRequest } from './broker-fixtures.js';

const event = (i: number, migrationId = '') => ({
  eventId: `ev-${i}`,
  userId: `user-${i % 3}`,
  fromOffer: i === 0 ? '' : 'BASIC',
  toOffer: 'PLUS',
  migrationId,
  occurredAt: 1_700_000_000_000 + i,
});

function recordsOf(records: unknown) {
  return splitRecordBatches(records as Buffer).flatMap((b) => decodeRecordBatch(b.bytes).records);
}

t.test('the JSON value has all seven fields, integers as numbers', async (t) => {
  const log = new OfferEventLog();
  const stored = log.append(event(0));
  t.same(JSON.parse(offerEventJson(stored)), {
    event_id: 'ev-0',
    offset: 0,
    user_id: 'user-0',
    from_offer: '',
    to_offer: 'PLUS',
    migration_id: '',
    occurred_at: 1_700_000_000_000,
  });
  t.equal(
    Object.keys(JSON.parse(offerEventJson(stored))).join(),
    'event_id,offset,user_id,from_offer,to_offer,migration_id,occurred_at',
  );
});

t.test('events already logged and live ones are served at their own offsets', async (t) => {
  const events = new OfferEventLog();
  for (let i = 0; i < 3; i++) events.append(event(i));
  const { client, broker } = await brokerWithClient(t, { offerEvents: events });
  const fetched = await client.request(1, 11, fetchRequest(OFFER_EVENTS_TOPIC, 0));
  const records = recordsOf(fetched.responses[0]!.partitions[0]!.records);
  t.same(
    records.map((r) => r.offset),
    [0, 1, 2],
  );
  t.same(
    records.map((r) => r.key?.toString()),
    ['user-0', 'user-1', 'user-2'],
  );
  t.same(
    records.map((r) => r.timestamp),
    [1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002],
  );
  t.same(
    records[1]!.headers.map((h) => [h.key, h.value?.toString()]),
    [['content-type', 'application/json']],
  );
  t.equal(JSON.parse(records[2]!.value!.toString()).offset, 2);
  const waiting = client.request(1, 11, fetchRequest(OFFER_EVENTS_TOPIC, 3, { maxWaitMs: 10_000 }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (let i = 3; i < 6; i++) events.append(event(i, 'mig-1'));
  const live = recordsOf((await waiting).responses[0]!.partitions[0]!.records);
  t.same(
    live.map((r) => r.offset),
    [3, 4, 5],
    'a burst of appends arrives together',
  );
  t.equal(JSON.parse(live[0]!.value!.toString()).migration_id, 'mig-1');
  t.equal(broker.topics.partition(OFFER_EVENTS_TOPIC, 0)?.batchCount, 2, 'one batch per burst');
  const refused = await client.request(
    0,
    7,
    produceRequest(OFFER_EVENTS_TOPIC, batchOf(['forged'])),
  );
  t.equal(
    refused.responses[0]!.partitionResponses[0]!.errorCode,
    ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  );
  t.equal(broker.topics.partition(OFFER_EVENTS_TOPIC, 0)?.logEndOffset, 6, 'nothing stored');
});

t.test('a large log is cut into batches of at most 500 events; close stops the feed', async (t) => {
  const events = new OfferEventLog();
  for (let i = 0; i < 1200; i++) events.append(event(i));
  const { broker } = await brokerWithClient(t, { offerEvents: events });
  const partition = broker.topics.partition(OFFER_EVENTS_TOPIC, 0)!;
  while (partition.logEndOffset < 1200) await new Promise((resolve) => setImmediate(resolve));
  t.equal(partition.logEndOffset, 1200);
  t.equal(partition.batchCount, 3);
  await broker.close();
  events.append(event(1200));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(partition.logEndOffset, 1200, 'not fed after close');
});

t.test('a long log is copied a few batches per event-loop turn, not in one go', async (t) => {
  const events = new OfferEventLog();
  for (let i = 0; i < 5000; i++) events.append(event(i));
  const { broker } = await brokerWithClient(t, { offerEvents: events });
  const partition = broker.topics.partition(OFFER_EVENTS_TOPIC, 0)!;
  const seen: number[] = [];
  while (partition.logEndOffset < 5000) {
    seen.push(partition.logEndOffset);
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.ok(seen.length >= 4, `the copy took ${seen.length} turns: other work ran in between`);
  t.ok(
    seen.every((offset, i) => i === 0 || offset - seen[i - 1]! <= 1000),
    'at most two batches of 500 a turn',
  );
  t.equal(partition.batchCount, 10);
});
