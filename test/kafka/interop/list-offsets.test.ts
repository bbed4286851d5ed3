// Differential: ListOffsets as clients use it. kafkajs writes five records with CreateTime
// timestamps a second apart (one batch); kcat then starts reading at a timestamp between two of
// them (`-o s@ts`: the first record at or after it), at one past the last (nothing), and two
// records before the end (`-o -2`, from the latest offset).

import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import { kafkajsIdempotentProducer } from '../support/kafkajs-client.js';
import { kcatConsume } from '../support/kcat.js';

const T0 = Date.UTC(2026, 0, 1);

void forBothBrokers(
  t,
  'kcat starts reading at a timestamp, and two records before the end',
  async ({ bootstrap, topic }) => {
    const scratch = topic('timestamps');
    const producer = kafkajsIdempotentProducer(bootstrap);
    await producer.connect();
    try {
      await producer.send({
        topic: scratch,
        acks: -1,
        messages: [0, 1, 2, 3, 4].map((i) => ({
          key: `k${i}`,
          value: `v${i}`,
          timestamp: String(T0 + i * 1000),
        })),
      });
    } finally {
      await producer.disconnect();
    }
    const offsets = async (from: string) =>
      (await kcatConsume(bootstrap, scratch, from)).map((r) => r.offset);
    return {
      fromTimestamp: await offsets(`s@${T0 + 2500}`),
      fromExactTimestamp: await offsets(`s@${T0 + 1000}`),
      afterLastTimestamp: await offsets(`s@${T0 + 9000}`),
      lastTwo: await offsets('-2'),
    };
  },
  (t, outcome) => {
    t.same(outcome.fromTimestamp, [3, 4], 'the first record at or after the timestamp');
    t.same(outcome.fromExactTimestamp, [1, 2, 3, 4], 'a record exactly at it is included');
    t.same(outcome.afterLastTimestamp, [], 'past the last timestamp there is nothing');
    t.same(outcome.lastTwo, [3, 4], '-2 counts back from the latest offset');
  },
);
