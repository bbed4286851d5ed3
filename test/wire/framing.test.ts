// Tests gRPC Length-Prefixed-Message framing: encodeFrame, frameBytes and FrameDecoder (grpc PROTOCOL-HTTP2.md, "Length-Prefixed-Message").

import fc from 'fast-check';
import t from 'tap';
import { encodeMessage } from '../../src/wire/codec.js';
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  frameBytes,
  MessageTooLargeError,
} from '../../src/wire/framing.js';
import { WireError } from '../../src/wire/wire-error.js';
import { type Nested, NestedCodec } from '../fixtures/kitchen-sink-codec.js';

const SEED = 5005;

type Seen = [hex: string, compressed: boolean];

/** Feeds `chunks` in order; returns each message delivered, as hex, with its flag. */
function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): Seen[] {
  const seen: Seen[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk, (message, compressed) => seen.push([message.toString('hex'), compressed]));
  }
  return seen;
}

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

t.test('encodeFrame: a 5-byte prefix (flag 0, big-endian length), then the message', async (t) => {
  const message: Nested = { a: 150, b: 'hi', child: null };
  const frame = encodeFrame(NestedCodec, message);
  const body = encodeMessage(NestedCodec, message);
  t.equal(FRAME_HEADER_BYTES, 5);
  t.equal(frame.subarray(0, 5).toString('hex'), `00${body.length.toString(16).padStart(8, '0')}`);
  t.same(frame.subarray(5), body);
  t.equal(encodeFrame(NestedCodec, NestedCodec.create()).toString('hex'), '0000000000');
});

t.test('frameBytes: frames bytes already encoded, with the compressed flag', async (t) => {
  t.equal(frameBytes(hex('0102'), false).toString('hex'), '00000000020102');
  t.equal(frameBytes(hex('0102'), true).toString('hex'), '01000000020102');
  t.equal(frameBytes(new Uint8Array(0), false).toString('hex'), '0000000000');
  const big = Buffer.alloc(0x010203, 7);
  t.equal(frameBytes(big, false).subarray(0, 5).toString('hex'), '0000010203');
});

t.test('one chunk carrying many messages, zero-length ones among them', async (t) => {
  const chunk = Buffer.concat([
    frameBytes(hex('aa'), false),
    frameBytes(hex(''), false),
    frameBytes(hex('bbcc'), true),
    frameBytes(hex(''), true),
  ]);
  const decoder = new FrameDecoder(100);
  t.same(decodeAll(decoder, [chunk]), [
    ['aa', false],
    ['', false],
    ['bbcc', true],
    ['', true],
  ]);
  t.equal(decoder.partial, false);
});

t.test('a message fed one byte at a time', async (t) => {
  const frame = frameBytes(Buffer.from('hello, world'), false);
  const decoder = new FrameDecoder(100);
  const seen: Seen[] = [];
  for (let i = 0; i < frame.length; i++) {
    seen.push(...decodeAll(decoder, [frame.subarray(i, i + 1)]));
    t.equal(decoder.partial, i < frame.length - 1, `partial after byte ${i}`);
  }
  t.same(seen, [[Buffer.from('hello, world').toString('hex'), false]]);
});

t.test('a header split across chunks, then the body in the next', async (t) => {
  const frame = frameBytes(hex('0102030405'), true);
  for (let cut = 1; cut < FRAME_HEADER_BYTES; cut++) {
    const decoder = new FrameDecoder(100);
    t.same(decodeAll(decoder, [frame.subarray(0, cut)]), []);
    t.equal(decoder.partial, true);
    t.same(decodeAll(decoder, [frame.subarray(cut, 5)]), []);
    t.equal(decoder.partial, true, 'header complete, body still to come');
    t.same(decodeAll(decoder, [frame.subarray(5)]), [['0102030405', true]]);
    t.equal(decoder.partial, false);
  }
});

t.test('zero-length messages: alone, between others, and with a split header', async (t) => {
  t.same(decodeAll(new FrameDecoder(0), [hex('0000000000')]), [['', false]]);
  t.same(decodeAll(new FrameDecoder(0), [hex('00000000'), hex('00')]), [['', false]]);
  t.same(
    decodeAll(new FrameDecoder(10), [hex('00 00000001 aa 00 0000'), hex('0000 00 00000001 bb')]),
    [
      ['aa', false],
      ['', false],
      ['bb', false],
    ],
  );
  const decoder = new FrameDecoder(10);
  t.same(decodeAll(decoder, [hex('01000000'), hex('00')]), [['', true]]);
  t.equal(decoder.partial, false);
});

t.test(
  'a message inside one chunk is delivered as a view; a split one is copied whole',
  async (t) => {
    const chunk = Buffer.concat([Buffer.from('xx'), frameBytes(hex('a1a2a3'), false)]).subarray(2);
    let view: Buffer | undefined;
    new FrameDecoder(10).push(chunk, (message) => {
      view = message;
    });
    t.equal(view?.buffer, chunk.buffer, 'same memory: no copy');
    t.equal(view?.byteOffset, chunk.byteOffset + 5);
    const frame = frameBytes(hex('b1b2b3'), false);
    let copy: Buffer | undefined;
    const decoder = new FrameDecoder(10);
    decoder.push(frame.subarray(0, 6), () => t.fail('not complete yet'));
    decoder.push(frame.subarray(6), (message) => {
      copy = message;
    });
    t.equal(copy?.toString('hex'), 'b1b2b3');
    frame.fill(0);
    t.equal(copy?.toString('hex'), 'b1b2b3', 'its own memory: the chunks may be reused');
  },
);

t.test('a body arriving over several chunks, with the next frame in the last one', async (t) => {
  const frames = Buffer.concat([
    frameBytes(Buffer.alloc(10, 1), false),
    frameBytes(hex('ee'), true),
  ]);
  const decoder = new FrameDecoder(10);
  t.same(decodeAll(decoder, [frames.subarray(0, 7), frames.subarray(7, 12)]), []);
  t.equal(decoder.partial, true);
  t.same(decodeAll(decoder, [frames.subarray(12)]), [
    ['01'.repeat(10), false],
    ['ee', true],
  ]);
  t.equal(decoder.partial, false);
});

t.test('a compressed-flag other than 0 or 1 is a WireError at that frame', async (t) => {
  t.throws(
    () => decodeAll(new FrameDecoder(10), [hex('02 00000000')]),
    new WireError('invalid compressed-flag 2 in a gRPC message prefix', 0),
  );
  // After one whole frame (6 bytes), the offset of the bad one is 6; also when its header is split.
  t.throws(
    () => decodeAll(new FrameDecoder(10), [hex('00 00000001 aa ff 00000000')]),
    new WireError('invalid compressed-flag 255 in a gRPC message prefix', 6),
  );
  t.throws(
    () => decodeAll(new FrameDecoder(10), [hex('00 00000001 aa 80'), hex('00'), hex('000000')]),
    new WireError('invalid compressed-flag 128 in a gRPC message prefix', 6),
  );
});

t.test(
  'a length over the limit fails on the header alone, before any body byte, without allocating it',
  async (t) => {
    const limit = 1024;
    const header = hex('00 00000401'); // 1025 bytes declared
    // The decoder's own 5-byte header scratch is allocated here, before the spy is installed.
    const decoder = new FrameDecoder(limit);
    const allocUnsafe = Buffer.allocUnsafe;
    const alloc = Buffer.alloc;
    const allocations: number[] = [];
    Buffer.allocUnsafe = (size: number) => {
      allocations.push(size);
      return allocUnsafe(size);
    };
    Buffer.alloc = ((
      size: number,
      ...rest: Parameters<typeof Buffer.alloc> extends [number, ...infer R] ? R : never
    ) => {
      allocations.push(size);
      return alloc(size, ...rest);
    }) as typeof Buffer.alloc;
    let caught: unknown;
    try {
      // Only the 5 header bytes: not one byte of the body has been sent.
      decoder.push(header, () => t.fail('no message'));
    } catch (err) {
      caught = err;
    } finally {
      Buffer.allocUnsafe = allocUnsafe;
      Buffer.alloc = alloc;
    }
    t.ok(caught instanceof MessageTooLargeError);
    t.ok(caught instanceof WireError, 'a MessageTooLargeError is a WireError');
    const err = caught as MessageTooLargeError;
    t.equal(err.name, 'MessageTooLargeError');
    t.equal(err.length, 1025);
    t.equal(err.limit, limit);
    t.equal(err.offset, 0);
    t.equal(err.message, 'message of 1025 bytes is larger than the limit of 1024 bytes at byte 0');
    t.same(allocations, [], 'nothing allocated for the body');

    // The same when the header itself arrives in pieces, and after earlier frames.
    const split = new FrameDecoder(limit);
    split.push(frameBytes(hex('aa'), false), () => {});
    split.push(hex('00 0000'), () => {});
    t.throws(() => split.push(hex('ffff'), () => {}), {
      name: 'MessageTooLargeError',
      length: 0xffff,
      offset: 6,
    });
    t.throws(
      () => new FrameDecoder(limit).push(hex('00 ffffffff'), () => {}),
      MessageTooLargeError,
    );
    t.same(
      decodeAll(new FrameDecoder(limit), [frameBytes(Buffer.alloc(limit), false)]).map(
        ([h]) => h.length / 2,
      ),
      [limit],
      'exactly at the limit is fine',
    );
  },
);

t.test('maxMessageBytes must be a number ≥ 0: a missing limit is not "no limit"', async (t) => {
  for (const bad of [Number.NaN, -1, undefined as unknown as number]) {
    t.throws(
      () => new FrameDecoder(bad),
      new RangeError(`maxMessageBytes ${bad} must be a number ≥ 0`),
    );
  }
  t.equal(new FrameDecoder(Number.POSITIVE_INFINITY).maxMessageBytes, Number.POSITIVE_INFINITY);
});

t.test(
  `property (seed ${SEED}): any frames, cut anywhere, decode to the same messages`,
  async (t) => {
    const frames = fc.array(
      fc.record({ body: fc.uint8Array({ maxLength: 300 }), compressed: fc.boolean() }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(frames, fc.array(fc.nat(), { maxLength: 40 }), (input, cutSeeds) => {
        const stream = Buffer.concat(input.map((f) => frameBytes(f.body, f.compressed)));
        const cuts = [...new Set(cutSeeds.map((c) => c % (stream.length + 1)))].sort(
          (a, b) => a - b,
        );
        const chunks: Buffer[] = [];
        let from = 0;
        for (const cut of [...cuts, stream.length]) {
          chunks.push(stream.subarray(from, cut));
          from = cut;
        }
        const decoder = new FrameDecoder(300);
        const seen = decodeAll(decoder, chunks);
        const expected = input.map(
          (f): Seen => [Buffer.from(f.body).toString('hex'), f.compressed],
        );
        return JSON.stringify(seen) === JSON.stringify(expected) && !decoder.partial;
      }),
      { seed: SEED, numRuns: 1000 },
    );
    t.pass('1000 streams');
  },
);
