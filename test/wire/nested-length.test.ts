// Nested messages whose length prefix takes 1, 2, 3 bytes (protobuf.dev "Encoding", "Length-
// Delimited Records"): writeMessageField writes the body first and moves it up when its length
// needs more than one byte; the bytes must be protobufjs's exactly, and read back the same.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import {
  type MigrationReport,
  MigrationReportCodec,
  RowErrorCodec,
} from '../../src/wire/messages/offers.js';
import { varint32Size } from '../../src/wire/sizes.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/offers.proto', import.meta.url)));
const ReportType = root.lookupType('offers.v1.MigrationReport');

t.test('bodies around every varint boundary of their length', async (t) => {
  // A RowError of row 7 and user "u" takes 2 + 3 bytes besides its reason's length and bytes.
  const bodySizes = [0, 1, 126, 127, 128, 129, 16383, 16384, 16385, 2_097_152];
  const errors = bodySizes.map((bodySize) => {
    if (bodySize < 8) return { row: bodySize, userId: '', reason: '' };
    // Key and value of row 7 (2 bytes), of user "u" (3), the reason's key (1), length and bytes.
    for (let lengthBytes = 1; lengthBytes <= 4; lengthBytes++) {
      const reasonBytes = bodySize - 6 - lengthBytes;
      if (varint32Size(reasonBytes) === lengthBytes)
        return { row: 7, userId: 'u', reason: 'r'.repeat(reasonBytes) };
    }
    throw new Error(`no reason makes a ${bodySize}-byte body`);
  });
  // Non-ASCII after a long body too: the move must carry multi-byte characters intact.
  errors.push({ row: 8, userId: 'é', reason: '日本語'.repeat(100) });
  const report: MigrationReport = {
    migrationId: 'm',
    rows: errors.length,
    migrated: 0,
    skipped: 0,
    failed: errors.length,
    errors,
  };
  const prefixBytes = new Set(errors.map((error) => varint32Size(RowErrorCodec.size(error))));
  t.same([...prefixBytes].sort(), [1, 2, 3, 4], 'length prefixes of 1 to 4 bytes');
  const sizes = errors.map((error) => RowErrorCodec.size(error));
  for (const boundary of [127, 128, 16383, 16384])
    t.ok(sizes.includes(boundary), `a ${boundary}-byte body`);
  const bytes = encodeMessage(MigrationReportCodec, report);
  const expected = Buffer.from(ReportType.encode(ReportType.create(report)).finish());
  t.ok(bytes.equals(expected), "the same bytes as protobufjs's");
  t.same(decodeMessage(MigrationReportCodec, bytes), report, 'read back unchanged');
});
