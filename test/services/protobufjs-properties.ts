// Property checks of a hand-written codec of src/services/ against protobufjs reading the same
// .proto (protobuf.dev "Encoding"): both directions, the same bytes, unknown fields skipped.

import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import type protobuf from 'protobufjs';
import type { Test } from 'tap';
import { decodeMessage, encodeMessage, type MessageCodec } from '../../src/wire/codec.js';
import { comparable } from '../helpers/codec-properties.js';

type PlainObject = Record<string, unknown>;

export interface ServiceCodecSpec<T> {
  codec: MessageCodec<T>;
  /** protobufjs's type for the same message. */
  type: protobuf.Type;
  arbitrary: fc.Arbitrary<T>;
  /** The message as a protobufjs plain object (camelCase names, oneofs by member name). */
  toReference: (message: T) => PlainObject;
  /** The inverse, from `type.toObject(…, { oneofs: true, defaults: true, arrays: true, objects: true })`. */
  fromReference: (object: PlainObject) => T;
  numRuns?: number;
}

const TO_OBJECT: protobuf.IConversionOptions = {
  oneofs: true,
  defaults: true,
  arrays: true,
  objects: true,
  enums: Number,
};

/**
 * Fields no message here declares, of every wire type: varint 11, fixed64 12, bytes 13 (with
 * what looks like a field inside), fixed32 14, and a group 15.
 */
const UNKNOWN = Buffer.from([
  (11 << 3) | 0,
  0x96,
  0x01,
  (12 << 3) | 1,
  ...new Array(8).fill(7),
  (13 << 3) | 2,
  2,
  0x08,
  0x01,
  (14 << 3) | 5,
  1,
  2,
  3,
  4,
  (15 << 3) | 3,
  0x08,
  0x05,
  (15 << 3) | 4,
]);

/** One tap assertion per property, over `numRuns` generated messages each. */
export function checkAgainstProtobufjs<T>(t: Test, spec: ServiceCodecSpec<T>): void {
  const { codec, type, arbitrary, toReference, fromReference } = spec;
  const runs = { numRuns: spec.numRuns ?? 100 };
  const encodeReference = (message: T): Uint8Array =>
    type.encode(type.fromObject(toReference(message))).finish();
  const decodeReference = (bytes: Uint8Array): T =>
    fromReference(type.toObject(type.decode(bytes), TO_OBJECT));

  fc.assert(
    fc.property(arbitrary, (message) => {
      deepStrictEqual(
        comparable(decodeReference(encodeMessage(codec, message))),
        comparable(message),
      );
    }),
    runs,
  );
  t.pass(`${codec.typeName}: protobufjs reads what handwire writes`);

  fc.assert(
    fc.property(arbitrary, (message) => {
      deepStrictEqual(
        comparable(decodeMessage(codec, encodeReference(message))),
        comparable(message),
      );
    }),
    runs,
  );
  t.pass(`${codec.typeName}: handwire reads what protobufjs writes`);

  fc.assert(
    fc.property(arbitrary, (message) => {
      // Through protobufjs once first, so map entries are in the order protobufjs writes them.
      const expected = Buffer.from(encodeReference(message));
      const canonical = decodeReference(expected);
      deepStrictEqual(encodeMessage(codec, canonical).toString('hex'), expected.toString('hex'));
      deepStrictEqual(codec.size(canonical), expected.length);
    }),
    runs,
  );
  t.pass(`${codec.typeName}: handwire writes the bytes protobufjs writes`);

  fc.assert(
    fc.property(arbitrary, (message) => {
      const bytes = Buffer.concat([UNKNOWN, encodeMessage(codec, message), UNKNOWN]);
      deepStrictEqual(comparable(decodeMessage(codec, bytes)), comparable(message));
    }),
    runs,
  );
  t.pass(`${codec.typeName}: unknown fields before and after are skipped`);
}
