// Test helper: a fast-check arbitrary of any Kafka message in one version, walking its field table
// (kafka.apache.org/protocol). Fields absent in the version take their schema default, computed
// here independently of the codec, so decode(encode(x)) must equal x exactly.

import fc from 'fast-check';
import {
  type FieldSpec,
  inRange,
  parseVersions,
  type ScalarType,
} from '../../../src/kafka/protocol/schema.js';

const uuidArb = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => Buffer.from(b).toString('base64url'));
const bytesArb = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));

function scalarArb(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64':
      return fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.maxSafeInteger());
    case 'float64':
      return fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0));
    case 'bool':
      return fc.boolean();
    case 'uuid':
      return uuidArb;
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 8 });
    default:
      return bytesArb;
  }
}

/** The schema default of a field, as Kafka's generated code gives it. */
export function schemaDefault(field: FieldSpec, version: number): unknown {
  if (field.default !== undefined) return field.default;
  if (field.array) return [];
  if (typeof field.type !== 'string') return structDefault(field.type, version);
  switch (field.type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    default:
      return 0;
  }
}

function structDefault(fields: readonly FieldSpec[], version: number): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, schemaDefault(f, version)]));
}

function fieldArb(field: FieldSpec, version: number): fc.Arbitrary<unknown> {
  if (!inRange(parseVersions(field.versions), version)) {
    return fc.constant(null).map(() => schemaDefault(field, version));
  }
  const element =
    typeof field.type === 'string' ? scalarArb(field.type) : messageArbitrary(field.type, version);
  const value = field.array ? fc.array(element, { maxLength: 3 }) : element;
  const nullable = inRange(parseVersions(field.nullableVersions), version);
  return nullable ? fc.option(value, { nil: null, freq: 4 }) : value;
}

/** Any value of a message (or struct) in `version`, with version-appropriate fields only. */
export function messageArbitrary(
  fields: readonly FieldSpec[],
  version: number,
): fc.Arbitrary<Record<string, unknown>> {
  // Plain objects, as the decoder builds them (fc.record's have a null prototype).
  return fc
    .record(Object.fromEntries(fields.map((f) => [f.name, fieldArb(f, version)])))
    .map((value) => ({ ...value }));
}
