// The codec benchmark's second message (bench/codec.ts): a MigrationReport listing the 1,000 row
// errors the contract allows (docs/contract.md §2 MigrateOffers), encoded and decoded by handwire
// and by protobufjs (protobuf.dev "Encoding": repeated nested messages), which must agree on the
// bytes.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { decodeMessage, encodeMessage } from '../../src/wire/codec.js';
import { type MigrationReport, MigrationReportCodec } from '../../src/wire/messages/offers.js';

export interface CaseFigures {
  ratio: number;
  handwireNs: number;
  protobufjsNs: number;
}

/** A MigrateOffers answer listing the most errors the contract allows: 1,000 nested messages. */
function makeReport(): MigrationReport {
  return {
    migrationId: 'f81d4fae-7dec-41d0-a765-00a0c91e6bf6',
    rows: 5000,
    migrated: 3000,
    skipped: 1000,
    failed: 1000,
    errors: Array.from({ length: 1000 }, (_, i) => ({
      row: i * 5 + 3,
      userId: `4c7e${String(i).padStart(4, '0')}-1b2a-4d3c-9e8f-0a1b2c3d4e5f`,
      reason: i % 2 === 1 ? 'current offer is PLUS, not BASIC' : 'no such user',
    })),
  };
}

/**
 * Encode and decode of the 1,000-error MigrationReport, handwire against protobufjs only, in
 * alternating rounds (best round each, as above); prints one line per case.
 */
export function reportCases(
  options: { rounds: number; seconds: number },
  measure: (op: () => unknown, seconds: number) => number,
): Map<string, CaseFigures> {
  const root = protobuf.loadSync(
    fileURLToPath(new URL('../../proto/offers.proto', import.meta.url)),
  );
  const ReportType = root.lookupType('offers.v1.MigrationReport');
  const report = makeReport();
  const prepared = ReportType.create(report);
  const bytes = encodeMessage(MigrationReportCodec, report);
  if (!Buffer.from(ReportType.encode(prepared).finish()).equals(bytes)) {
    throw new Error('protobufjs encodes the MigrationReport differently from handwire');
  }
  const name = 'MigrationReport, 1,000 errors';
  const pairs: Array<[string, () => unknown, () => unknown]> = [
    [
      `encode ${name}`,
      () => encodeMessage(MigrationReportCodec, report),
      () => ReportType.encode(prepared).finish(),
    ],
    [
      `decode ${name}`,
      () => decodeMessage(MigrationReportCodec, bytes),
      () => ReportType.decode(bytes),
    ],
  ];
  const figures = new Map<string, CaseFigures>();
  for (const [caseName, handwireOp, protobufjsOp] of pairs) {
    measure(handwireOp, Math.min(0.5, options.seconds));
    measure(protobufjsOp, Math.min(0.5, options.seconds));
    const handwireRounds: number[] = [];
    const protobufjsRounds: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        if (which === 0) handwireRounds.push(measure(handwireOp, options.seconds));
        else protobufjsRounds.push(measure(protobufjsOp, options.seconds));
      }
    }
    const handwireNs = Math.min(...handwireRounds);
    const protobufjsNs = Math.min(...protobufjsRounds);
    console.log(
      `${caseName}: handwire ${fmtNs(handwireNs)}, protobufjs ${fmtNs(protobufjsNs)} ` +
        `(${bytes.length} bytes)`,
    );
    figures.set(caseName, { ratio: protobufjsNs / handwireNs, handwireNs, protobufjsNs });
  }
  return figures;
}

const fmtNs = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
