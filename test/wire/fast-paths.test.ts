// Tests the codecs' fast paths against the general ones (protobuf.dev "Encoding"): short ASCII
// strings cut from a latin1 window (readString in reader.ts), int64 varints of up to 7 bytes read
// as numbers, and safe numbers above 2^32 written 7 bits at a time. Each must give exactly what the
// general path gives, and refuse exactly what it refuses.

import fc from 'fast-check';
import t from 'tap';
import { Reader } from '../../src/wire/reader.js';
import { WireError } from '../../src/wire/wire-error.js';
import { Writer } from '../../src/wire/writer.js';

const SEED = 2020;
const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const reader = (text: string) => new Reader(hex(text));
const wireError = (problem: string, offset: number) => new WireError(problem, offset);

/** Reference encoder, independent of the Writer: the varint of a value taken as unsigned 64-bit. */
function refVarint(value: bigint): Buffer {
  let rest = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out);
}

/** The bytes `write` puts in a fresh Writer, as hex. */
function hexOf(write: (w: Writer) => unknown): string {
  const w = new Writer(Buffer.alloc(64));
  write(w);
  return w.buf.subarray(0, w.pos).toString('hex');
}

t.test(
  'short ASCII strings cut from a latin1 window: every position, the window moved',
  async (t) => {
    // 400 strings of 1 to 64 bytes back to back: the 1 KiB window is remade many times, and a
    // string may begin inside one window and end past it.
    const texts = Array.from({ length: 400 }, (_, i) =>
      String.fromCharCode(...Array.from({ length: 1 + (i % 64) }, (_, k) => (i * 7 + k) % 128)),
    );
    const parts = texts.flatMap((text) => [
      Buffer.from([text.length]),
      Buffer.from(text, 'latin1'),
    ]);
    const r = new Reader(Buffer.concat(parts));
    t.same(
      texts.map(() => r.string()),
      texts,
      'each string exact',
    );
    // Non-ASCII strings and invalid bytes between ASCII ones, within one window.
    const mixed = new Reader(hex('02 6869 02 c3a9 03 616263 02 c080 01 78'));
    t.equal(mixed.string(), 'hi');
    t.equal(mixed.string(), 'é');
    t.equal(mixed.string(), 'abc');
    t.throws(() => mixed.string(), wireError('invalid UTF-8 in a string field', 11));
    // A reader over part of a buffer reads no window past its own end.
    const inner = new Reader(hex('ff 02 6869 03 616263 ff'), 1, 4);
    t.equal(inner.string(), 'hi');
    t.equal(inner.pos, inner.end);
    // 64 bytes take the JavaScript path, 65 the native one; both exact, both strict.
    for (const length of [63, 64, 65]) {
      const ascii = 'q'.repeat(length);
      t.equal(
        new Reader(Buffer.concat([Buffer.from([length]), Buffer.from(ascii)])).string(),
        ascii,
      );
      const badAt = Buffer.concat([Buffer.from([length]), Buffer.from(ascii.slice(1)), hex('80')]);
      t.throws(() => new Reader(badAt).string(), wireError('invalid UTF-8 in a string field', 1));
    }
  },
);

t.test('int64 fast path: 1 to 7 bytes summed directly, 8 and more by halves', async (t) => {
  // 2^(7k) - 1 and 2^(7k) sit on each side of a k-byte varint; 2^49 needs 8 bytes.
  for (let bits = 0; bits <= 49; bits += 7) {
    for (const v of [2n ** BigInt(bits) - 1n, 2n ** BigInt(bits), 2n ** BigInt(bits) + 1n]) {
      const r = new Reader(Buffer.concat([refVarint(v), hex('2a')]));
      t.equal(r.int64(), Number(v), `int64 ${v}`);
      t.equal(r.uint32(), 42, 'the next field is read from where the value ended');
    }
  }
  // A value cut short inside the first seven bytes, and a 1,700,000,000,000 ms timestamp.
  t.throws(() => reader('ffff').int64(), wireError('truncated varint', 0));
  t.throws(() => reader('ffffffffffffff').int64(), wireError('truncated varint', 0));
  t.equal(reader('80d095ffbc31').int64(), 1_700_000_000_000);
  t.equal(reader('ffffffffffffffffff01').int64(), -1, 'negative: ten bytes, by halves');
});

t.test('int64 of a safe number above 2^32, written 7 bits at a time from the number', async (t) => {
  for (let bits = 32; bits <= 53; bits++) {
    for (const v of [2n ** BigInt(bits) - 1n, 2n ** BigInt(bits), 2n ** BigInt(bits) + 1n]) {
      if (v > 2n ** 53n - 1n) continue;
      t.equal(
        hexOf((w) => w.int64(Number(v))),
        refVarint(v).toString('hex'),
        `int64 ${v}`,
      );
    }
  }
  fc.assert(
    fc.property(fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER }), (v) => {
      t.equal(
        hexOf((w) => w.int64(v)),
        refVarint(BigInt(v)).toString('hex'),
      );
    }),
    { seed: SEED, numRuns: 200 },
  );
});
