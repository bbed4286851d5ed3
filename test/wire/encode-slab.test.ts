// Tests the one-pass encoders (src/wire/writer.ts, its slab, Writer.grow): messages that outgrow the
// slab or the writer's buffer part-way, nested lengths written across a move, encodes inside a
// codec, and a codec that throws; the bytes must stay protobufjs's (protobuf.dev "Encoding").

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage, encodeMessage, type MessageCodec } from '../../src/wire/codec.js';
import { encodeFrame } from '../../src/wire/framing.js';
import {
  type MigrationReport,
  MigrationReportCodec,
  type RowError,
} from '../../src/wire/messages/offers.js';
import { WireType } from '../../src/wire/wire-types.js';
import { Writer } from '../../src/wire/writer.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/offers.proto', import.meta.url)));
const ReportType = root.lookupType('offers.v1.MigrationReport');

const reference = (report: MigrationReport): Buffer =>
  Buffer.from(ReportType.encode(ReportType.create(report)).finish());

function report(errors: RowError[]): MigrationReport {
  return { migrationId: 'm', rows: 1, migrated: 0, skipped: 0, failed: 1, errors };
}

t.test('messages of every size, one after another, each its own bytes', async (t) => {
  // From empty to several times the 16 KiB slab, so some begin in a slab with little room left
  // and move, part-written, into a larger buffer; every earlier result must stay intact.
  const made: Array<[MigrationReport, Buffer]> = [];
  for (let count = 0; count < 400; count += 7) {
    const errors = Array.from({ length: count * 9 }, (_, i) => ({
      row: i + 1,
      userId: `u${i}`,
      reason: i % 3 === 0 ? 'no such user' : 'é日本😀'.repeat(i % 5),
    }));
    const value = report(errors);
    made.push([value, encodeMessage(MigrationReportCodec, value)]);
  }
  for (const [value, bytes] of made) {
    t.ok(bytes.equals(reference(value)), `${value.errors.length} errors: protobufjs's bytes`);
  }
  const [largest, largestBytes] = made.at(-1)!;
  t.ok(largestBytes.length > 4 * 16 * 1024, 'the largest is several slabs long');
  t.same(decodeMessage(MigrationReportCodec, largestBytes), largest, 'and reads back');
});

t.test('a frame that moves to a larger buffer keeps its prefix', async (t) => {
  const value = report(
    Array.from({ length: 3000 }, (_, i) => ({ row: i, userId: 'ü'.repeat(i % 60), reason: 'r' })),
  );
  const frame = encodeFrame(MigrationReportCodec, value);
  const body = reference(value);
  t.equal(frame[0], 0);
  t.equal(frame.readUInt32BE(1), body.length);
  t.ok(frame.subarray(5).equals(body));
});

t.test('a Writer over a small buffer grows only when growable', async (t) => {
  const growable = new Writer(Buffer.alloc(2), 0, true);
  growable.tag(1, WireType.LengthDelimited).string('x'.repeat(300)).tag(2, WireType.Varint);
  growable.uint32(2 ** 32 - 1);
  const written = growable.buf.subarray(0, growable.pos);
  t.equal(written.toString('hex'), `0aac02${'78'.repeat(300)}10ffffffff0f`);
  // A sized writer does not grow: `finish` reports the codec that wrote past its size.
  const sized = Writer.ofSize(2);
  sized.string('abc');
  t.equal(sized.buf.length, 2);
  t.throws(() => sized.finish(), /wrote 4 bytes into a buffer sized 2/);
});

/** A codec whose write encodes another message itself, as a codec packing an Any would. */
const PackingCodec: MessageCodec<{ inner: MigrationReport }> = {
  typeName: 'test.Packing',
  create: () => ({ inner: report([]) }),
  size: () => {
    throw new Error('not used by encodeMessage');
  },
  write(m, w) {
    w.tag(1, WireType.LengthDelimited).bytes(encodeMessage(MigrationReportCodec, m.inner));
  },
  read: () => {
    throw new Error('not used here');
  },
};

t.test('an encode inside a codec gets a slab of its own', async (t) => {
  const inner = report([{ row: 1, userId: 'a', reason: 'b' }]);
  const bytes = encodeMessage(PackingCodec, { inner });
  const innerBytes = reference(inner);
  t.equal(
    bytes.toString('hex'),
    `0a${innerBytes.length.toString(16)}${innerBytes.toString('hex')}`,
  );
});

t.test('a codec that throws leaves later encodes unharmed', async (t) => {
  const before = encodeMessage(MigrationReportCodec, report([{ row: 1, userId: 'a', reason: '' }]));
  const copy = Buffer.from(before);
  t.throws(
    () => encodeMessage(MigrationReportCodec, report([{ row: 1.5, userId: 'a', reason: '' }])),
    RangeError,
  );
  const after = report([{ row: 2, userId: 'b', reason: 'c' }]);
  t.ok(encodeMessage(MigrationReportCodec, after).equals(reference(after)));
  t.ok(before.equals(copy), 'an earlier result is not overwritten');
});

t.test('a large message gets a buffer of its own, which later messages do not share', async (t) => {
  const large = report(
    Array.from({ length: 2000 }, (_, i) => ({
      row: i + 1,
      userId: `u${i}`,
      reason: 'no such user',
    })),
  );
  const first = encodeMessage(MigrationReportCodec, large);
  const second = encodeMessage(MigrationReportCodec, large);
  const small = encodeMessage(MigrationReportCodec, report([]));
  const smallToo = encodeMessage(MigrationReportCodec, report([]));
  t.ok(first.length > 16 * 1024, 'larger than a slab');
  t.ok(first.equals(second) && first.equals(reference(large)));
  t.not(second.buffer, first.buffer, 'each large message has its own buffer');
  t.ok(second.buffer.byteLength <= 2 * second.length, 'at most twice its length');
  t.not(small.buffer, second.buffer, 'a small message after it starts a new slab');
  t.equal(smallToo.buffer, small.buffer, 'small messages share one');
});
