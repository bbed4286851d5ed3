// The codecs against bytes nobody here wrote: test/kafka/fixtures/ holds requests six real clients
// sent to Apache Kafka 4.4 and the broker's answers (see that folder's README). For every fixture
// whose API version handwire's codecs implement:
// - the request decodes with handwire's request decoder (header and body), and encoding what it
//   decoded gives the captured bytes back, byte for byte;
// - Apache Kafka's response decodes with handwire's response decoder, and encoding it again (the
//   broker's own path, encodeResponseFrame) gives Apache Kafka's bytes back, byte for byte;
// - every record batch inside (Produce requests, Fetch responses) splits with its CRC-32C checked
//   and decodes record by record.
// A byte-identical round trip means no field was dropped, misread or written in another form
// (compact or classic lengths, tagged fields, nulls, defaults). The fixtures outside the
// implemented ranges are listed (and must be refused as UNSUPPORTED_VERSION, as the broker does),
// so a widened codec range shows up here as a fixture to check.

import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import {
  decodeRecordBatch,
  decodeRequestFrame,
  decodeResponseFrame,
  ErrorCode,
  encodeRequestFrame,
  encodeResponseFrame,
  type ImplementedApiKey,
  KafkaProtocolError,
  type KafkaRequestInput,
  kafkaApi,
  splitRecordBatches,
} from '../../../src/kafka/protocol/index.js';

interface Fixture {
  client: string;
  broker: string;
  apiKey: number;
  apiVersion: number;
  request: string;
  response?: string;
}

const DIR = new URL('../fixtures/', import.meta.url);
const files = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
const fixtures = files.map(
  (name) => [name, JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as Fixture] as const,
);

/** Fixtures whose API version lies outside the codecs' range, and why (checked below). */
const OUTSIDE_IMPLEMENTED = {
  'confluent-kafka-metadata-v13.json': 'Metadata v13 (codecs: 0-12)',
  'kafka-python-pypi-list-offsets-v11.json': 'ListOffsets v11 (codecs: 0-10)',
};

/** The frame without its 4-byte size prefix, as one buffer. */
const unframed = (chunks: Buffer[]) => Buffer.concat(chunks).subarray(4);

/** Every `records` blob in a decoded message (Produce partitions, Fetch partitions). */
function recordBlobs(value: unknown, out: Buffer[] = []): Buffer[] {
  if (Array.isArray(value)) for (const item of value) recordBlobs(item, out);
  else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, field] of Object.entries(value)) {
      if (key === 'records' && Buffer.isBuffer(field)) out.push(field);
      else recordBlobs(field, out);
    }
  }
  return out;
}

/** Record counts of every batch in `blobs`, each batch split with its CRC checked and decoded. */
function decodeBatches(blobs: Buffer[], allowPartialTail: boolean): number[] {
  return blobs.flatMap((blob) =>
    splitRecordBatches(blob, { allowPartialTail }).map(
      (batch) => decodeRecordBatch(batch.bytes).records.length,
    ),
  );
}

t.equal(fixtures.length, 53, 'the folder holds the 53 captured exchanges');

t.test(
  'fixtures outside the implemented version ranges are refused as the broker would',
  async (t) => {
    const outside = fixtures
      .filter(([, f]) => {
        const api = kafkaApi(f.apiKey);
        return api === undefined || f.apiVersion < api.minVersion || f.apiVersion > api.maxVersion;
      })
      .map(([name]) => name);
    t.same(outside, Object.keys(OUTSIDE_IMPLEMENTED), 'exactly these are outside');
    for (const [name, why] of Object.entries(OUTSIDE_IMPLEMENTED)) {
      t.comment(`outside the codecs: ${name}: ${why}`);
      const fixture = fixtures.find(([n]) => n === name)![1];
      let refused: unknown;
      try {
        decodeRequestFrame(Buffer.from(fixture.request, 'hex'));
      } catch (error) {
        refused = error;
      }
      t.ok(
        refused instanceof KafkaProtocolError &&
          refused.errorCode === ErrorCode.UNSUPPORTED_VERSION,
        `${name}: decodeRequestFrame refuses it with UNSUPPORTED_VERSION`,
      );
    }
  },
);

for (const [name, fixture] of fixtures) {
  if (name in OUTSIDE_IMPLEMENTED) continue;
  t.test(name, async (t) => {
    const apiKey = fixture.apiKey as ImplementedApiKey;
    const api = kafkaApi(apiKey)!;
    t.ok(api, `API key ${apiKey} is implemented`);
    const requestBytes = Buffer.from(fixture.request, 'hex');
    t.ok(fixture.response, 'Apache Kafka answered');
    const responseBytes = Buffer.from(fixture.response!, 'hex');

    const request = decodeRequestFrame(requestBytes);
    t.equal(request.apiKey, fixture.apiKey, 'request header: API key');
    t.equal(request.header.requestApiVersion, fixture.apiVersion, 'request header: API version');
    t.type(request.header.clientId, 'string', 'request header: the client id is read');
    const requestAgain = unframed(
      encodeRequestFrame(
        request.header as typeof request.header & { requestApiKey: ImplementedApiKey },
        request.body as KafkaRequestInput<ImplementedApiKey>,
      ),
    );
    t.equal(requestAgain.toString('hex'), fixture.request, 'request: decode, encode: same bytes');

    const response = decodeResponseFrame(apiKey, fixture.apiVersion, responseBytes);
    t.equal(
      response.correlationId,
      request.header.correlationId,
      'the response answers the request (correlation id)',
    );
    const responseAgain = unframed(
      encodeResponseFrame(apiKey, fixture.apiVersion, response.correlationId, response.body),
    );
    t.equal(
      responseAgain.toString('hex'),
      fixture.response,
      "Apache Kafka's response: decode, encode: same bytes",
    );

    const produced = recordBlobs(request.body);
    const fetched = recordBlobs(response.body);
    if (produced.length + fetched.length > 0) {
      const counts = [...decodeBatches(produced, false), ...decodeBatches(fetched, true)];
      t.ok(
        counts.length > 0 && counts.every((n) => n > 0),
        `record batches decode with their CRCs checked (records per batch: ${counts.join(', ')})`,
      );
    }
  });
}
