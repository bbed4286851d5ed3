// Differential: records of every shape come back as they went in. kafkajs writes a record without
// a key, an empty value, a tombstone (null value), repeated and empty headers, and a 300 KB value;
// kcat writes a gzip-compressed batch (and snappy, lz4 and zstd ones to another topic). kcat reads the topic back from the beginning and from the
// middle of the compressed batch (the broker serves whole batches; the client skips the records
// before its offset), and asks for the topic's metadata, and for a topic that does not exist yet
// until it does (kcat's Metadata request allows auto-creation; Apache Kafka 4 answers the first
// one UNKNOWN_TOPIC_OR_PARTITION while it creates the topic, handwire creates it at once: only the
// state both reach is compared).

import { createHash } from 'node:crypto';
import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import { kafkajsIdempotentProducer } from '../support/kafkajs-client.js';
import { kcatConsume, kcatProduce, kcatTopicMetadata } from '../support/kcat.js';
import type { ObservedRecord } from '../support/observed.js';

const LARGE = 'x'.repeat(300 * 1024);

/** A large value as its length and digest, so a difference reads as one line, not 300 KB. */
function summarised(records: ObservedRecord[]) {
  return records.map((r) =>
    r.value !== null && r.value.length > 1000
      ? {
          ...r,
          value: `${r.value.length} chars, sha1 ${createHash('sha1').update(r.value).digest('hex')}`,
        }
      : r,
  );
}

/** `kcat -L -t topic` until the topic has partitions: at most 20 tries, 250 ms apart. */
async function metadataOnceCreated(bootstrap: string, name: string): Promise<unknown> {
  let topics: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    topics = await kcatTopicMetadata(bootstrap, name);
    if ((topics as { partitions?: unknown[] }[])[0]?.partitions?.length) return topics;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return topics;
}

void forBothBrokers(
  t,
  'null keys, empty and null values, repeated headers, a 300 KB value and a gzip batch',
  async ({ bootstrap, topic }) => {
    const scratch = topic('shapes');
    const producer = kafkajsIdempotentProducer(bootstrap);
    await producer.connect();
    try {
      await producer.send({
        topic: scratch,
        acks: -1,
        messages: [
          { key: null, value: 'no key' },
          { key: 'empty', value: '' },
          { key: 'tombstone', value: null },
          { key: 'headers', value: 'h', headers: { seen: ['first', 'second'], empty: '' } },
        ],
      });
      await producer.send({ topic: scratch, acks: -1, messages: [{ key: 'large', value: LARGE }] });
    } finally {
      await producer.disconnect();
    }
    const gzipped = ['g0', 'g1', 'g2'].map((key) => ({ key, value: `${key} compressed` }));
    await kcatProduce(bootstrap, scratch, gzipped, 'gzip');
    // The other codecs librdkafka has: the broker keeps each batch as it came; kcat decompresses.
    const otherCodecs = topic('codecs');
    for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
      const records = [1, 2].map((i) => ({
        key: `${codec}${i}`,
        value: `${codec} ${'abc'.repeat(50)}`,
      }));
      await kcatProduce(bootstrap, otherCodecs, records, codec);
    }
    return {
      read: summarised(await kcatConsume(bootstrap, scratch)),
      fromMiddleOfBatch: await kcatConsume(bootstrap, scratch, 6),
      otherCodecs: (await kcatConsume(bootstrap, otherCodecs)).map((r) => [r.offset, r.key]),
      metadata: await kcatTopicMetadata(bootstrap, scratch),
      madeByMetadata: await metadataOnceCreated(bootstrap, topic('made-by-metadata')),
    };
  },
  (t, outcome) => {
    t.same(
      outcome.read.map((r) => [r.offset, r.key, r.value, r.headers]),
      [
        [0, null, 'no key', []],
        [1, 'empty', '', []],
        [2, 'tombstone', null, []],
        [
          3,
          'headers',
          'h',
          [
            ['seen', 'first'],
            ['seen', 'second'],
            ['empty', ''],
          ],
        ],
        [
          4,
          'large',
          `${LARGE.length} chars, sha1 ${createHash('sha1').update(LARGE).digest('hex')}`,
          [],
        ],
        [5, 'g0', 'g0 compressed', []],
        [6, 'g1', 'g1 compressed', []],
        [7, 'g2', 'g2 compressed', []],
      ],
      'every record as written',
    );
    t.same(
      outcome.fromMiddleOfBatch.map((r) => r.offset),
      [6, 7],
      'reading from offset 6 skips the first record of the compressed batch',
    );
    t.same(
      outcome.otherCodecs,
      [
        [0, 'snappy1'],
        [1, 'snappy2'],
        [2, 'lz41'],
        [3, 'lz42'],
        [4, 'zstd1'],
        [5, 'zstd2'],
      ],
      'snappy, lz4 and zstd batches come back too',
    );
    t.match(outcome.metadata, [{ topic: 'shapes', partitions: [{ partition: 0, leader: 1 }] }]);
    t.match(outcome.madeByMetadata, [
      { topic: 'made-by-metadata', partitions: [{ partition: 0 }] },
    ]);
  },
);
