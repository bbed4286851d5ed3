// A poison record on the topic a replica follows (docs/kafka-replica.md "Dead letters"), on real
// Apache Kafka: kcat produces two offer events with a record that is not JSON between them; the
// replica applies both events, puts the poison record on "<topic>.dlq" with its key, value and
// headers and handwire.dlq.* headers saying why and where it came from, commits past it, and goes
// on with the next event.

import { randomUUID } from 'node:crypto';
import t from 'tap';
import { apacheKafkaSkip, ensureApacheKafka } from '../support/apache-kafka.js';
import { kcatConsume, kcatProduce } from '../support/kcat.js';
import type { RecordToProduce } from '../support/observed.js';
import { startChild, waitForMetrics, watchEvents } from './replica-support.js';

const skip = apacheKafkaSkip();
const JSON_TYPE: [string, string][] = [['content-type', 'application/json']];
const USER = randomUUID();

/** The record the primary would write for its event at `offset`. */
const eventRecord = (offset: number, from: string, to: string): RecordToProduce => ({
  key: USER,
  value: JSON.stringify({
    event_id: `event-${offset}`,
    offset,
    user_id: USER,
    from_offer: from,
    to_offer: to,
    migration_id: '',
    occurred_at: 1764780000000 + offset,
  }),
  headers: JSON_TYPE,
});

t.test(
  'a poison record goes to the dead-letter topic and the replica goes on',
  { skip },
  async (t) => {
    t.setTimeout(90_000);
    const bootstrap = await ensureApacheKafka();
    const topic = `replica-dlq-${randomUUID().slice(0, 8)}`;
    const poison: RecordToProduce = { key: USER, value: '{"event_id": oops', headers: JSON_TYPE };
    // Kafka offsets 0, 1, 2: event 0, the poison record, event 1.
    await kcatProduce(bootstrap, topic, [
      eventRecord(0, '', 'BASIC'),
      poison,
      eventRecord(1, 'BASIC', 'PLUS'),
    ]);
    const replica = await startChild(t, [
      '--replica-of',
      bootstrap,
      '--replica-topic',
      topic,
      '--group',
      `${topic}-group`,
      '--metrics-port',
      '0',
    ]);
    const metrics = await waitForMetrics(
      replica,
      'two applied, one dead letter',
      40_000,
      (m) =>
        m.handwire_replica_events_applied_total === 2 &&
        m.handwire_replica_dead_letters_total === 1 &&
        m.handwire_replica_committed_offset === 3,
    );
    t.equal(metrics.handwire_replica_consumer_lag, 0);

    const letters = await kcatConsume(bootstrap, `${topic}.dlq`);
    t.equal(letters.length, 1, 'one dead letter');
    const letter = letters[0]!;
    t.equal(letter.key, USER, 'the key kept');
    t.equal(letter.value, poison.value, 'the value kept');
    const headers = Object.fromEntries(letter.headers);
    t.equal(headers['content-type'], 'application/json', 'its own headers kept');
    t.match(headers['handwire.dlq.reason'], /^not an offer event: the value is not JSON/);
    t.same(
      [
        headers['handwire.dlq.topic'],
        headers['handwire.dlq.partition'],
        headers['handwire.dlq.offset'],
      ],
      [topic, '0', '1'],
      'where it came from',
    );
    t.equal(headers['handwire.dlq.group'], `${topic}-group`);
    t.match(
      replica.stderr(),
      /"level":40.*sent the record at offset 1 to .*\.dlq/,
      'a warning logged',
    );

    // Consumption goes on: the next event is applied at the primary's offset 2 (Kafka offset 3).
    await kcatProduce(bootstrap, topic, [eventRecord(2, 'PLUS', 'PREMIUM')]);
    await waitForMetrics(
      replica,
      'the event after',
      20_000,
      (m) => m.handwire_replica_events_applied_total === 3,
    );
    const events = await watchEvents(replica.address, 3);
    t.same(
      events.map((e) => [e.offset, e.eventId, e.toOffer]),
      [
        [0, 'event-0', 'BASIC'],
        [1, 'event-1', 'PLUS'],
        [2, 'event-2', 'PREMIUM'],
      ],
      "the replica's log: the events at their own offsets, the poison record not among them",
    );
    await replica.stop();
  },
);
