// Benchmark server: handwire's Kafka broker (compiled, from dist/) serving "user-offers" from an
// offer event log filled in this process with EVENTS offer changes, the way `handwire serve`
// makes them: the thousand --demo users, then migrations that move each of them to another offer.
// It also writes every record of the topic as a kcat -P input line (key TAB value) to DUMP, so
// that the benchmark can give Apache Kafka the very same records.
//
// Usage: node bench/kafka/offer-broker.mjs EVENTS DUMP [PROFILE]; prints one line
// `PORT <kafka port> <JSON facts>` once it listens; SIGTERM closes the broker and exits. With
// PROFILE, a V8 CPU profile of what the broker does after it started (the consumes, not the
// filling) is written to that file on SIGTERM.

import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { seedDemoUsers } from '../../dist/cli/demo-data.js';
import { OFFER_EVENTS_TOPIC, offerEventJson, startKafkaBroker } from '../../dist/kafka/index.js';
import { newUuid } from '../../dist/store/ids.js';
import { OfferStore } from '../../dist/store/offer-store.js';
import { UserStore } from '../../dist/store/user-store.js';

const [eventsArg, dump, profileFile] = process.argv.slice(2);
const events = Number(eventsArg);
if (!Number.isInteger(events) || events < 1000 || dump === undefined) {
  console.error('usage: offer-broker.mjs EVENTS (≥ 1000) DUMP');
  process.exit(2);
}

const OFFERS = ['BASIC', 'PLUS', 'PREMIUM', 'UNLIMITED'];
const users = new UserStore();
const offers = new OfferStore(users);
const filling = process.hrtime.bigint();
const demo = seedDemoUsers(users, offers); // one event per user
// Migrations of the whole demo set, each user moved to the offer after theirs.
while (offers.log.endOffset < events) {
  const migrationId = newUuid();
  for (const user of demo) {
    if (offers.log.endOffset >= events) break;
    const current = offers.get(user.id).offerCode;
    offers.set(user.id, OFFERS[(OFFERS.indexOf(current) + 1) % OFFERS.length], migrationId);
  }
}
const fillMs = Number(process.hrtime.bigint() - filling) / 1e6;

// The topic's records as kcat -P lines: the user id as key, the event's JSON as value (the
// content-type header is kcat's -H, the same on every record).
const out = createWriteStream(dump);
let valueBytes = 0;
const LINES_PER_WRITE = 10_000;
for (let from = 0; from < events; from += LINES_PER_WRITE) {
  let text = '';
  for (const event of offers.log.slice(from, Math.min(events, from + LINES_PER_WRITE))) {
    const value = offerEventJson(event);
    valueBytes += Buffer.byteLength(value);
    text += `${event.userId}\t${value}\n`;
  }
  if (!out.write(text)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');

// The broker copies the whole log into the topic's record batches when it starts.
const starting = process.hrtime.bigint();
const broker = await startKafkaBroker({ port: 0, offerEvents: offers.log });
const startMs = Number(process.hrtime.bigint() - starting) / 1e6;
const facts = {
  topic: OFFER_EVENTS_TOPIC,
  events,
  meanValueBytes: valueBytes / events,
  fillMs,
  startMs,
};
let profiler;
if (profileFile !== undefined) {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
console.log(`PORT ${broker.address.port} ${JSON.stringify(facts)}`);
process.on('SIGTERM', async () => {
  if (profiler !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
  }
  await broker.close();
  process.exit(0);
});
