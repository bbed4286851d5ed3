// Fuzzes every request and response decoder, the frame and header readers and the record batch
// decoders with random and mutated bytes: the only exception they may throw is KafkaProtocolError
// (never a RangeError, TypeError or an out-of-memory from a lying length). Seeded and bounded.

import fc from 'fast-check';
import t from 'tap';
import { KAFKA_APIS } from '../../../src/kafka/protocol/apis/index.js';
import { KafkaProtocolError } from '../../../src/kafka/protocol/errors.js';
import { FrameDecoder } from '../../../src/kafka/protocol/framing.js';
import type { MessageCodec } from '../../../src/kafka/protocol/message-codec.js';
import { KafkaReader } from '../../../src/kafka/protocol/reader.js';
import { splitRecordBatches } from '../../../src/kafka/protocol/record-batch.js';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/kafka/protocol/records.js';
import { decodeRequestFrame } from '../../../src/kafka/protocol/request-frame.js';
import { KafkaWriter } from '../../../src/kafka/protocol/writer.js';
import { messageArbitrary } from './message-arbitrary.js';

const SEED = 99;

/** Runs `fn`; any exception other than KafkaProtocolError fails the property. */
function onlyProtocolErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof KafkaProtocolError) return true;
    throw error;
  }
}

/** A valid encoding with some bytes overwritten and maybe cut short. */
const mutation = fc.record({
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 4,
  }),
  cut: fc.option(fc.nat()),
});

function mutate(bytes: Buffer, m: { edits: [number, number][]; cut: number | null }): Buffer {
  const out = Buffer.from(bytes);
  if (out.length > 0) for (const [at, value] of m.edits) out[at % out.length] = value;
  return m.cut === null || out.length === 0 ? out : out.subarray(0, m.cut % out.length);
}

t.test('random bytes into every decoder of every version', async (t) => {
  for (const api of KAFKA_APIS) {
    for (const codec of [api.request, api.response] as MessageCodec<unknown>[]) {
      fc.assert(
        fc.property(
          fc.integer({ min: api.minVersion, max: api.maxVersion }),
          fc.uint8Array({ maxLength: 64 }),
          (version, bytes) =>
            onlyProtocolErrors(() => codec.decode(new KafkaReader(bytes), version)),
        ),
        { seed: SEED, numRuns: 60 },
      );
    }
  }
  t.pass('only KafkaProtocolError');
});

t.test('mutated valid messages into every decoder of every version', async (t) => {
  for (const api of KAFKA_APIS) {
    for (const codec of [api.request, api.response] as MessageCodec<unknown>[]) {
      const version = fc.integer({ min: api.minVersion, max: api.maxVersion });
      const valid = version.chain((v) =>
        messageArbitrary(codec.fields, v).map((value) => {
          const w = new KafkaWriter();
          codec.encode(w, v, value);
          return { v, bytes: w.toBuffer() };
        }),
      );
      fc.assert(
        fc.property(valid, mutation, ({ v, bytes }, m) =>
          onlyProtocolErrors(() => codec.decode(new KafkaReader(mutate(bytes, m)), v)),
        ),
        { seed: SEED, numRuns: 40 },
      );
    }
  }
  t.pass('only KafkaProtocolError');
});

t.test('random frames into the frame decoder and the request frame decoder', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 64 }), (bytes, max) =>
      onlyProtocolErrors(() => {
        for (const frame of new FrameDecoder(max).push(Buffer.from(bytes)))
          decodeRequestFrame(frame);
      }),
    ),
    { seed: SEED, numRuns: 300 },
  );
  // Frames with a plausible header: a known key and a version in range, then garbage.
  const keys = KAFKA_APIS.map((a) => a.apiKey);
  fc.assert(
    fc.property(
      fc.constantFrom(...keys),
      fc.integer({ min: 0, max: 17 }),
      fc.uint8Array({ maxLength: 60 }),
      (key, version, rest) => {
        const head = Buffer.alloc(8);
        head.writeInt16BE(key, 0);
        head.writeInt16BE(version, 2);
        return onlyProtocolErrors(() =>
          decodeRequestFrame(Buffer.concat([head, Buffer.from(rest)])),
        );
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
  t.pass('only KafkaProtocolError');
});

t.test('mutated record batches into split and decode (CRC check on and off)', async (t) => {
  const batches = [
    buildRecordBatch([
      { key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: null }] },
      { value: null },
    ]),
    buildRecordBatch([{ value: Buffer.from('gzipped') }], { compression: 1 }),
  ];
  fc.assert(
    fc.property(fc.constantFrom(...batches), mutation, fc.boolean(), (batch, m, verifyCrc) =>
      onlyProtocolErrors(() => {
        for (const view of splitRecordBatches(mutate(batch, m), { verifyCrc })) {
          decodeRecordBatch(view.bytes, { verifyCrc });
        }
      }),
    ),
    { seed: SEED, numRuns: 400 },
  );
  t.pass('only KafkaProtocolError');
});
