// Tests FrameDecoder and encodeFrame: frames split across chunks and packed within one, the size
// limit checked on the prefix alone, negative sizes (kafka.apache.org/protocol "Common Request and
// Response Structure": an int32 size, then the message).

import fc from 'fast-check';
import t from 'tap';
import { KafkaProtocolError } from '../../../src/kafka/protocol/errors.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  FrameDecoder,
} from '../../../src/kafka/protocol/framing.js';
import { cat, i32 } from './wire-bytes.js';

const SEED = 777;

t.test('encodeFrame prefixes the chunks with their total size', async (t) => {
  const framed = encodeFrame([Buffer.from('ab'), Buffer.from('cde')]);
  t.same(Buffer.concat(framed), cat(i32(5), Buffer.from('abcde')));
  t.same(Buffer.concat(encodeFrame([])), i32(0));
});

t.test('frames packed in one chunk come out in order, as views of the chunk', async (t) => {
  const stream = cat(i32(3), Buffer.from('one'), i32(0), i32(3), Buffer.from('two'), i32(9));
  const decoder = new FrameDecoder();
  const frames = decoder.push(stream);
  t.same(
    frames.map((f) => f.toString()),
    ['one', '', 'two'],
  );
  t.equal(frames[0]!.buffer, stream.buffer, 'no copy when the chunk holds the whole frame');
  t.same(decoder.push(Buffer.alloc(0)), []);
  t.same(decoder.push(Buffer.from('12345')), [], 'the next frame (9 bytes) is still incomplete');
  t.equal(decoder.bufferedBytes, 5);
  t.same(decoder.push(Buffer.from('6789')), [Buffer.from('123456789')]);
  t.equal(decoder.bufferedBytes, 0);
});

t.test('any chunking of a stream gives the same frames', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }),
      (payloads, cuts) => {
        const stream = Buffer.concat(payloads.flatMap((p) => encodeFrame([Buffer.from(p)])));
        const decoder = new FrameDecoder();
        const frames: Buffer[] = [];
        let at = 0;
        let i = 0;
        while (at < stream.length) {
          const n = cuts[i++ % cuts.length]!;
          frames.push(...decoder.push(stream.subarray(at, at + n)));
          at += n;
        }
        t.same(
          frames,
          payloads.map((p) => Buffer.from(p)),
        );
        return decoder.bufferedBytes === 0;
      },
    ),
    { seed: SEED, numRuns: 100 },
  );
});

t.test('a byte at a time still works, prefix included', async (t) => {
  const stream = cat(i32(2), Buffer.from('hi'));
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  for (const byte of stream) frames.push(...decoder.push(Buffer.from([byte])));
  t.same(frames, [Buffer.from('hi')]);
});

t.test('a 2 GiB prefix is an error at once, before buffering anything', async (t) => {
  const decoder = new FrameDecoder();
  t.equal(decoder.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
  t.equal(DEFAULT_MAX_FRAME_BYTES, 104857600);
  t.throws(() => decoder.push(i32(0x7fffffff)), {
    name: 'KafkaProtocolError',
    message: 'frame size 2147483647 exceeds the maximum of 104857600 bytes at byte 0',
  });
});

t.test('a negative size is an error, reported at its stream offset', async (t) => {
  const decoder = new FrameDecoder();
  t.same(decoder.push(cat(i32(1), Buffer.from('x'))), [Buffer.from('x')]);
  t.throws(() => decoder.push(i32(-1)), { message: 'frame size -1 is negative at byte 5' });
});

t.test('the maximum is configurable and inclusive', async (t) => {
  const decoder = new FrameDecoder(4);
  t.same(decoder.push(cat(i32(4), Buffer.from('abcd'))), [Buffer.from('abcd')]);
  t.throws(() => decoder.push(i32(5)), KafkaProtocolError);
});
