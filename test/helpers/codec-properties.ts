// The property tests every hand-written message codec must pass against protobufjs (protobuf.dev
// "Encoding"; proto3 "Default Values" and "Unknown Fields"): both directions, wider schemas, and
// byte-for-byte equality with protobufjs's canonical output.

import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage, type MessageCodec } from '../../src/wire/codec.js';
import type { Any } from '../../src/wire/messages/google-protobuf.js';
import { widerExtras } from './codec-arbitraries.js';
import { referenceDecode, referenceEncode, referenceRoot, widerRoot } from './codec-protobufjs.js';

type PlainObject = Record<string, unknown>;

export interface CodecSpec<T> {
  codec: MessageCodec<T>;
  /** Messages to test; they must survive protobufjs (no lone surrogates, no "__proto__" keys). */
  arbitrary: fc.Arbitrary<T>;
  /** A handwire message as a protobufjs plain object; the message itself when omitted. */
  toReference?: (message: T) => PlainObject;
  /** The inverse of toReference, applied to protobufjs's `toObject` output. */
  fromReference?: (object: PlainObject) => T;
  /**
   * The message as an object of the wider schema: toReference plus `extras()` for this message
   * and, by the spec's own choice, for each nested message too. Default: the top level only.
   */
  toWider?: (message: T, extras: () => PlainObject) => PlainObject;
  /** fast-check runs per property. */
  numRuns?: number;
}

/**
 * Comparable form of a value: byte arrays of any class (Buffer, Uint8Array) by content, Maps
 * as Maps (deepStrictEqual ignores their order), everything else as it is.
 */
export function comparable(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    return Uint8Array.from(value as Uint8Array);
  }
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, comparable(v)]));
  }
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === 'object') {
    const out: PlainObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = comparable(v);
    return out;
  }
  return value;
}

/**
 * google.protobuf.Any as protobufjs holds it: its bundled well-known types keep the .proto field
 * name `type_url` (they are not parsed from text, so its camelCase option does not apply).
 */
export const anyToReference = (any: Any): PlainObject => ({
  type_url: any.typeUrl,
  value: any.value,
});
export const anyFromReference = (object: PlainObject): Any => ({
  typeUrl: object.type_url as string,
  value: object.value as Uint8Array,
});

/** Registers one tap subtest per property for `spec.codec`. */
export function testCodecAgainstProtobufjs<T>(spec: CodecSpec<T>): void {
  const { codec, arbitrary } = spec;
  const toReference = spec.toReference ?? ((m: T) => m as PlainObject);
  const fromReference = spec.fromReference ?? ((o: PlainObject) => o as T);
  const toWider =
    spec.toWider ?? ((m: T, extras: () => PlainObject) => ({ ...toReference(m), ...extras() }));
  const runs = { numRuns: spec.numRuns ?? 150 };
  const referenceType = referenceRoot.lookupType(codec.typeName);
  const widerType = widerRoot.lookupType(codec.typeName);

  t.test(`${codec.typeName}: handwire encodes, protobufjs decodes the same message`, (t) => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const bytes = encodeMessage(codec, message);
        const decoded = fromReference(referenceDecode(referenceType, bytes));
        deepStrictEqual(comparable(decoded), comparable(message));
      }),
      runs,
    );
    t.pass(`${runs.numRuns} messages`);
    t.end();
  });

  t.test(`${codec.typeName}: protobufjs encodes, handwire decodes the same message`, (t) => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const bytes = referenceEncode(referenceType, toReference(message));
        const decoded = decodeMessage(codec, bytes);
        deepStrictEqual(comparable(decoded), comparable(message));
      }),
      runs,
    );
    t.pass(`${runs.numRuns} messages`);
    t.end();
  });

  t.test(`${codec.typeName}: handwire writes the bytes protobufjs writes`, (t) => {
    // protobufjs writes canonically here: ascending field numbers, proto3 defaults left out. The
    // round trip through its plain object puts map entries in the order protobufjs will use.
    fc.assert(
      fc.property(arbitrary, (message) => {
        const object = toReference(message);
        const canonical = fromReference(
          referenceDecode(referenceType, referenceEncode(referenceType, object)),
        );
        const expected = Buffer.from(referenceEncode(referenceType, object));
        const actual = encodeMessage(codec, canonical);
        deepStrictEqual(actual.toString('hex'), expected.toString('hex'));
        deepStrictEqual(codec.size(canonical), expected.length);
      }),
      runs,
    );
    t.pass(`${runs.numRuns} messages`);
    t.end();
  });

  t.test(`${codec.typeName}: fields of a wider schema are skipped, known ones kept`, (t) => {
    fc.assert(
      fc.property(arbitrary, fc.gen(), (message, gen) => {
        const extras = (): PlainObject => gen(() => widerExtras);
        const bytes = referenceEncode(widerType, toWider(message, extras));
        deepStrictEqual(comparable(decodeMessage(codec, bytes)), comparable(message));
      }),
      runs,
    );
    t.pass(`${runs.numRuns} messages`);
    t.end();
  });

  t.test(`${codec.typeName}: unknown fields before and after the known ones are skipped`, (t) => {
    // Concatenated messages merge (protobuf.dev "Encoding", "Last One Wins"): unknown fields
    // arrive first, between and last, not only after the known ones as protobufjs orders them.
    fc.assert(
      fc.property(arbitrary, widerExtras, widerExtras, (message, before, after) => {
        const bytes = Buffer.concat([
          referenceEncode(widerType, before),
          encodeMessage(codec, message),
          referenceEncode(widerType, after),
        ]);
        deepStrictEqual(comparable(decodeMessage(codec, bytes)), comparable(message));
      }),
      runs,
    );
    t.pass(`${runs.numRuns} messages`);
    t.end();
  });
}
