// `npm run bench -- kafka-publisher [--events N] [--rounds R]`: the offer event publisher
// (`handwire serve --kafka-brokers`, docs/kafka-publisher.md) against kcat, producing the same
// records to the same one-node Apache Kafka in one run (docs/design.md "Measuring").
//
// Each round appends N events to a fresh log while nothing publishes it (an outbox after an
// outage) and times a new publisher from its start to the acknowledgement of the last event
// (connect, topic creation, N events in batches of 500, idempotent, acks=-1); and kcat -P,
// idempotent with acks=all, producing the same N records (key, JSON value) to its own topic from
// its standard input, from its start to its exit. Both include their start. A warm-up round is
// not counted; the two take turns going first; the medians are printed, and their ratio.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offerEventJson } from '../src/kafka/index.js';
import { OfferEventPublisher } from '../src/kafka/publisher/offer-event-publisher.js';
import { OfferEventLog } from '../src/store/offer-event-log.js';
import { startApacheKafka } from './kafka/apache-kafka.js';
import { fmt, median } from './lib/figures.js';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args[index + 1]);
}

function filledLog(count: number): OfferEventLog {
  const log = new OfferEventLog();
  for (let i = 0; i < count; i++) {
    log.append({
      eventId: crypto.randomUUID(),
      userId: crypto.randomUUID(),
      fromOffer: 'BASIC',
      toOffer: 'PLUS',
      migrationId: crypto.randomUUID(),
      occurredAt: Date.now(),
    });
  }
  return log;
}

/** Seconds from the publisher's start to the acknowledgement of the log's last event. */
async function publisherSeconds(bootstrap: string, log: OfferEventLog, topic: string) {
  const [host, port] = bootstrap.split(':');
  const started = performance.now();
  let acknowledged = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const publisher = new OfferEventPublisher({
    brokers: [{ host: host!, port: Number(port) }],
    events: log,
    topic,
    observer: {
      published(events) {
        acknowledged += events.length;
        if (acknowledged === log.endOffset) done();
      },
      failed() {},
      stateChanged() {},
    },
  });
  await all;
  const seconds = (performance.now() - started) / 1000;
  await publisher.close(1000);
  return seconds;
}

/** Seconds kcat -P takes to produce the same records, idempotent with acks=all. */
function kcatSeconds(bootstrap: string, log: OfferEventLog, topic: string): Promise<number> {
  const input = `${log
    .slice()
    .map((event) => `${event.userId}\t${offerEventJson(event)}`)
    .join('\n')}\n`;
  const args = ['-b', bootstrap, '-P', '-t', topic, '-K', '\t', '-q'];
  args.push('-X', 'enable.idempotence=true', '-X', 'acks=all');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { timeout: 120_000 }, (error, _out, stderr) => {
      if (error) reject(new Error(`kcat -P failed: ${error.message}\n${stderr}`));
      else resolve((performance.now() - started) / 1000);
    });
    child.stdin?.end(input);
  });
}

export async function main(args: string[]): Promise<void> {
  const events = option(args, '--events', 10_000);
  const rounds = option(args, '--rounds', 5);
  const work = mkdtempSync(join(tmpdir(), 'handwire-bench-publisher-'));
  const kafka = await startApacheKafka(work);
  try {
    console.log(kafka.startLine);
    const publisher: number[] = [];
    const kcat: number[] = [];
    // A warm-up round first, not counted: the broker's JIT is cold. Then the two producers take
    // turns going first, so neither always meets the broker right after the other.
    await publisherSeconds(kafka.bootstrap, filledLog(events), 'warm-up-publisher');
    await kcatSeconds(kafka.bootstrap, filledLog(events), 'warm-up-kcat');
    for (let round = 1; round <= rounds; round++) {
      const log = filledLog(events);
      const measurePublisher = async () =>
        publisher.push(
          events / (await publisherSeconds(kafka.bootstrap, log, `publisher-${round}`)),
        );
      const measureKcat = async () =>
        kcat.push(events / (await kcatSeconds(kafka.bootstrap, log, `kcat-${round}`)));
      if (round % 2 === 1) {
        await measurePublisher();
        await measureKcat();
      } else {
        await measureKcat();
        await measurePublisher();
      }
      console.log(
        `round ${round}: publisher ${fmt(publisher.at(-1)!)} events/s, kcat ${fmt(kcat.at(-1)!)} records/s`,
      );
    }
    const ratio = median(publisher) / median(kcat);
    console.log(`\n| producer | events/s (median of ${rounds}) | ratio |`);
    console.log('| --- | ---: | ---: |');
    console.log(
      `| handwire publisher (@platformatic/kafka) | ${fmt(median(publisher))} | ${fmt(ratio, 2)} |`,
    );
    console.log(`| kcat -P (librdkafka) | ${fmt(median(kcat))} | 1.00 |`);
  } finally {
    await kafka.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
