// Differential: each producer client (kcat, kafkajs, confluent-kafka, @platformatic/kafka,
// kafka-python 2 and 3) writes records with acks=all (idempotent where the client supports it;
// kcat also with acks=1 and acks=0) to a topic made on first use, then kcat reads the topic back
// from the beginning. Keys, values (non-ASCII included), headers in order, partitions and offsets
// must match Apache Kafka's.

import t from 'tap';
import { forBothBrokers } from '../support/differential.js';
import { kafkajsProduce } from '../support/kafkajs-client.js';
import { kcatConsume, kcatProduce } from '../support/kcat.js';
import { numberedRecords, type RecordToProduce } from '../support/observed.js';
import { platformaticProduce } from '../support/platformatic-client.js';
import { type PythonClient, pythonClientSkip, pythonProduce } from '../support/python-clients.js';

type Produce = (bootstrap: string, topic: string, records: RecordToProduce[]) => Promise<unknown>;

const python =
  (client: PythonClient): Produce =>
  (bootstrap, topic, records) =>
    pythonProduce(client, bootstrap, topic, records);

const PRODUCERS: [string, Produce, false | string][] = [
  ['kcat', kcatProduce, false],
  // acks=1 and acks=0 (the broker sends no response at all to an acks=0 Produce), not idempotent.
  ['kcat-acks1', (b, topic, records) => kcatProduce(b, topic, records, undefined, '1'), false],
  ['kcat-acks0', (b, topic, records) => kcatProduce(b, topic, records, undefined, '0'), false],
  ['kafkajs', kafkajsProduce, false],
  ['platformatic', platformaticProduce, false],
  ['confluent-kafka', python('confluent-kafka'), pythonClientSkip('confluent-kafka')],
  ['kafka-python-debian', python('kafka-python-debian'), pythonClientSkip('kafka-python-debian')],
  ['kafka-python-pypi', python('kafka-python-pypi'), pythonClientSkip('kafka-python-pypi')],
];

const COUNT = 6;

for (const [name, produce, skip] of PRODUCERS) {
  if (skip !== false) {
    t.test(name, { skip }, async () => {});
    continue;
  }
  const records = numberedRecords(name, COUNT);
  void forBothBrokers(
    t,
    `${name} produces ${COUNT} records; kcat reads them back in order`,
    async ({ bootstrap, topic }) => {
      const scratch = topic(`produce-${name}`);
      const acknowledged = await produce(bootstrap, scratch, records);
      return { acknowledged, read: await kcatConsume(bootstrap, scratch) };
    },
    (t, { read }) => {
      t.same(
        read.map((r) => [r.partition, r.offset, r.key, r.value, r.headers]),
        records.map((r, i) => [0, i, r.key, r.value, r.headers]),
        'every record once, in order, with its key, value and headers',
      );
    },
  );
}
