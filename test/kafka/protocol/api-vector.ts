// Test helper: one fixed byte vector for one API message version, derived by hand from the
// message schemas of Kafka's protocol guide (kafka.apache.org/protocol "The Messages"): the bytes
// decode to the expected fields, and encoding what they decoded gives the same bytes back.

import t from 'tap';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';

const api = (name: string) => KAFKA_APIS.find((a) => a.name === name)!;
export const batch = Buffer.from('0123456789abcdef', 'hex');
export const meta = Buffer.from([0, 1, 0, 0, 0, 1, 0, 1, 116, 0, 0, 0, 0]);

/** Decodes `bytes` as `kind` of `apiName` v`version`, matches `expected`, re-encodes exactly. */
export function vector(
  apiName: string,
  kind: 'request' | 'response',
  version: number,
  bytes: Buffer,
  expected: Record<string, unknown>,
  exact = false,
) {
  t.test(`${apiName} ${kind} v${version}`, async (t) => {
    const codec = api(apiName)[kind] as MessageCodec<unknown>;
    const r = new KafkaReader(bytes);
    const decoded = codec.decode(r, version) as Record<string, unknown>;
    t.equal(r.remaining, 0, 'every byte read');
    if (exact) t.same(decoded, expected);
    else t.match(decoded, expected);
    const w = new KafkaWriter();
    codec.encode(w, version, decoded);
    t.same(w.toBuffer(), bytes, 'encodes back to the same bytes');
  });
}
