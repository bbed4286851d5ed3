// Tests of the codecs for proto/offers.proto (protobuf.dev "Encoding"; proto3 semantics):
// property tests against protobufjs, then repeated and nested messages on hand-made bytes.

import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js';
import {
  GetUserOfferRequestCodec,
  type MigrationReport,
  MigrationReportCodec,
  MigrationRowCodec,
  type OfferEvent,
  OfferEventCodec,
  type RowError,
  RowErrorCodec,
  SetUserOfferRequestCodec,
  UserOfferCodec,
  WatchOfferEventsRequestCodec,
} from '../../../src/wire/messages/offers.js';
import { Reader } from '../../../src/wire/reader.js';
import { WireError } from '../../../src/wire/wire-error.js';
import {
  protoInt32,
  protoInt64,
  protoRepeated,
  protoString,
} from '../../helpers/codec-arbitraries.js';
import { testCodecAgainstProtobufjs } from '../../helpers/codec-properties.js';

const rowErrorArb: fc.Arbitrary<RowError> = fc.record({
  row: protoInt32,
  userId: protoString,
  reason: protoString,
});

const migrationReportArb: fc.Arbitrary<MigrationReport> = fc.record({
  migrationId: protoString,
  rows: protoInt32,
  migrated: protoInt32,
  skipped: protoInt32,
  failed: protoInt32,
  // Up to 1,000 errors now and then: an upload where every row failed.
  errors: protoRepeated(rowErrorArb, 1000),
});

const offerEventArb: fc.Arbitrary<OfferEvent> = fc.record({
  eventId: protoString,
  offset: protoInt64,
  userId: protoString,
  fromOffer: protoString,
  toOffer: protoString,
  migrationId: protoString,
  occurredAt: protoInt64,
});

testCodecAgainstProtobufjs({
  codec: UserOfferCodec,
  arbitrary: fc.record({
    userId: protoString,
    offerCode: protoString,
    version: protoInt64,
    updatedAt: protoInt64,
  }),
});
testCodecAgainstProtobufjs({
  codec: SetUserOfferRequestCodec,
  arbitrary: fc.record({ userId: protoString, offerCode: protoString }),
});
testCodecAgainstProtobufjs({
  codec: GetUserOfferRequestCodec,
  arbitrary: fc.record({ userId: protoString }),
});
testCodecAgainstProtobufjs({
  codec: MigrationRowCodec,
  arbitrary: fc.record({
    userId: protoString,
    currentOffer: protoString,
    targetOffer: protoString,
  }),
});
testCodecAgainstProtobufjs({ codec: RowErrorCodec, arbitrary: rowErrorArb });
testCodecAgainstProtobufjs({
  codec: MigrationReportCodec,
  arbitrary: migrationReportArb,
  // Each nested RowError of the wider schema carries unknown fields of its own too.
  toWider: (report, extras) => ({
    ...report,
    errors: report.errors.map((error) => ({ ...error, ...extras() })),
    ...extras(),
  }),
  numRuns: 100,
});
testCodecAgainstProtobufjs({
  codec: WatchOfferEventsRequestCodec,
  arbitrary: fc.record({ fromOffset: protoInt64, userId: protoString }),
});
testCodecAgainstProtobufjs({ codec: OfferEventCodec, arbitrary: offerEventArb });

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

t.test('an empty RowError is still an element of errors: a key and a zero length', (t) => {
  const report = { ...MigrationReportCodec.create(), errors: [RowErrorCodec.create()] };
  const bytes = encodeMessage(MigrationReportCodec, report);
  t.equal(bytes.toString('hex'), '3200');
  t.same(decodeMessage(MigrationReportCodec, bytes), report);
  t.equal(encodeMessage(MigrationReportCodec, MigrationReportCodec.create()).length, 0);
  t.end();
});

t.test('errors keep their order across many elements, interleaved with other fields', (t) => {
  const errors = Array.from({ length: 2000 }, (_, i) => ({
    row: i + 1,
    userId: `u${i}`,
    reason: i % 2 === 0 ? 'unknown user' : '',
  }));
  const report: MigrationReport = {
    migrationId: 'm-1',
    rows: 2000,
    migrated: 0,
    skipped: 0,
    failed: 2000,
    errors,
  };
  const bytes = encodeMessage(MigrationReportCodec, report);
  t.same(decodeMessage(MigrationReportCodec, bytes), report);
  // Elements of a repeated field need not be contiguous: a rows field between them changes nothing.
  const split = Buffer.concat([
    encodeMessage(MigrationReportCodec, { ...report, errors: errors.slice(0, 10) }),
    hex('10 05'),
    encodeMessage(MigrationReportCodec, {
      ...MigrationReportCodec.create(),
      errors: errors.slice(10),
    }),
  ]);
  t.same(decodeMessage(MigrationReportCodec, split), { ...report, rows: 5 });
  t.end();
});

t.test('a RowError cannot run past the report that holds it', (t) => {
  // errors: length 5, but inside it a string field claims 9 bytes.
  t.throws(() => decodeMessage(MigrationReportCodec, hex('32 05 12 09 61 62 63 10 01')), WireError);
  // errors: length 2 holding a complete varint field, then a top-level field: both read.
  t.same(decodeMessage(MigrationReportCodec, hex('32 02 08 07 10 01')), {
    ...MigrationReportCodec.create(),
    rows: 1,
    errors: [{ row: 7, userId: '', reason: '' }],
  });
  t.end();
});

t.test('errors arriving with a wrong wire type are skipped, not decoded', (t) => {
  // Field 6 as a varint and as fixed32: neither is a RowError.
  const report = decodeMessage(MigrationReportCodec, hex('30 05 35 01 02 03 04 08 01'));
  t.same(report, MigrationReportCodec.create());
  t.end();
});

t.test('reading into an existing report appends errors and overwrites counters', (t) => {
  const into: MigrationReport = {
    ...MigrationReportCodec.create(),
    failed: 1,
    errors: [{ row: 1, userId: 'a', reason: 'x' }],
  };
  const bytes = encodeMessage(MigrationReportCodec, {
    ...MigrationReportCodec.create(),
    failed: 2,
    errors: [{ row: 2, userId: 'b', reason: 'y' }],
  });
  MigrationReportCodec.read(new Reader(bytes), into);
  t.same(into, {
    ...MigrationReportCodec.create(),
    failed: 2,
    errors: [
      { row: 1, userId: 'a', reason: 'x' },
      { row: 2, userId: 'b', reason: 'y' },
    ],
  });
  t.end();
});

t.test('int64 offsets and timestamps: negatives and the safe-integer edges', (t) => {
  for (const offset of [-1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 2 ** 32]) {
    const event = { ...OfferEventCodec.create(), offset, occurredAt: offset };
    t.same(decodeMessage(OfferEventCodec, encodeMessage(OfferEventCodec, event)), event);
  }
  // -1 is ten bytes on the wire, as every negative int64 is.
  t.equal(
    encodeMessage(WatchOfferEventsRequestCodec, { fromOffset: -1, userId: '' }).toString('hex'),
    '08ffffffffffffffffff01',
  );
  t.end();
});
