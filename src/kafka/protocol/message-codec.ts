// The one interpreter of the field tables in schema.ts: reads and writes any Kafka message in any
// of its versions (kafka.apache.org/protocol "Protocol Primitive Types"; KIP-482 for flexible
// versions: compact strings, bytes and arrays, and a tagged-field section after each struct).
//
// Rules it follows, as Kafka's generated codecs do: a field absent in a version is not written
// and reads as its default; null is written only where the version allows it; a tagged field is
// written only when it differs from its default, in ascending tag order; unknown tags are skipped.

import { ErrorCode } from './error-codes.js';
import { KafkaProtocolError } from './errors.js';
import { type KafkaReader, ZERO_UUID } from './reader.js';
import {
  type FieldSpec,
  inRange,
  parseVersions,
  type ScalarType,
  type VersionRange,
} from './schema.js';
import { KafkaWriter } from './writer.js';

const EMPTY_BYTES = Buffer.alloc(0);

type Struct = Record<string, unknown>;

/** A byte field as encoders accept it: one buffer, or several written back to back (records). */
export type BytesInput = Uint8Array | readonly Uint8Array[];

interface CompiledField {
  readonly spec: FieldSpec;
  /** Dotted path from the message, named in errors. */
  readonly path: string;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  readonly taggedVersions: VersionRange;
  /** The nested struct's codec, when the field is a struct or an array of structs. */
  readonly struct: StructCodec | undefined;
}

/** The fields of a struct as one version lays them out. */
interface Plan {
  readonly flexible: boolean;
  /** Every field in table order, with how this version carries it. */
  readonly fields: readonly { field: CompiledField; how: 'absent' | 'regular' | 'tagged' }[];
  /** The tagged fields of this version, ascending by tag. */
  readonly tagged: readonly CompiledField[];
}

export class StructCodec {
  private readonly fields: readonly CompiledField[];
  private readonly plans = new Map<number, Plan>();
  /** Names this struct's tagged-field section in errors. */
  private readonly taggedLabel: string;

  constructor(specs: readonly FieldSpec[], pathPrefix: string) {
    this.taggedLabel = pathPrefix === '' ? 'tagged fields' : `${pathPrefix} tagged fields`;
    this.fields = specs.map((spec) => {
      const path = pathPrefix === '' ? spec.name : `${pathPrefix}.${spec.name}`;
      return {
        spec,
        path,
        versions: parseVersions(spec.versions),
        nullableVersions: parseVersions(spec.nullableVersions),
        taggedVersions: parseVersions(spec.taggedVersions),
        struct: typeof spec.type === 'string' ? undefined : new StructCodec(spec.type, path),
      };
    });
  }

  private plan(version: number, flexible: boolean): Plan {
    let plan = this.plans.get(version);
    if (plan === undefined) {
      const fields = this.fields.map((field) => {
        let how: 'absent' | 'regular' | 'tagged' = 'absent';
        if (inRange(field.versions, version)) {
          how = flexible && inRange(field.taggedVersions, version) ? 'tagged' : 'regular';
        }
        return { field, how };
      });
      const tagged = fields
        .filter((f) => f.how === 'tagged')
        .map((f) => f.field)
        .sort((a, b) => a.spec.tag! - b.spec.tag!);
      plan = { flexible, fields, tagged };
      this.plans.set(version, plan);
    }
    return plan;
  }

  decode(r: KafkaReader, version: number, flexible: boolean): Struct {
    const plan = this.plan(version, flexible);
    const out: Struct = {};
    for (const { field, how } of plan.fields) {
      out[field.spec.name] =
        how === 'regular'
          ? readValue(r, field, version, flexible)
          : defaultValue(field, version, flexible);
    }
    if (flexible) {
      r.taggedFields((tag, sub) => {
        const field = plan.tagged.find((f) => f.spec.tag === tag);
        if (field === undefined) return false;
        out[field.spec.name] = readValue(sub, field, version, flexible);
        return true;
      }, this.taggedLabel);
    }
    return out;
  }

  encode(w: KafkaWriter, version: number, flexible: boolean, value: Struct): void {
    const plan = this.plan(version, flexible);
    for (const { field, how } of plan.fields) {
      if (how === 'regular') writeValue(w, field, version, flexible, value[field.spec.name]);
    }
    if (!flexible) return;
    const present = plan.tagged.filter((field) => {
      const v = value[field.spec.name];
      return v !== undefined && !isDefault(field, version, flexible, v);
    });
    w.uvarint(present.length);
    for (const field of present) {
      const sub = new KafkaWriter(64);
      writeValue(sub, field, version, flexible, value[field.spec.name]);
      w.uvarint(field.spec.tag!).uvarint(sub.length).append(sub);
    }
  }

  defaultValue(version: number, flexible: boolean): Struct {
    const out: Struct = {};
    for (const field of this.fields) out[field.spec.name] = defaultValue(field, version, flexible);
    return out;
  }

  isDefault(value: Struct, version: number, flexible: boolean): boolean {
    return this.fields.every((field) => {
      const v = value[field.spec.name];
      return v === undefined || isDefault(field, version, flexible, v);
    });
  }
}

function defaultValue(field: CompiledField, version: number, flexible: boolean): unknown {
  const { spec } = field;
  if (spec.default !== undefined) return spec.default;
  if (spec.array) return [];
  if (field.struct !== undefined) return field.struct.defaultValue(version, flexible);
  return scalarZero(spec.type as ScalarType);
}

function scalarZero(type: ScalarType): unknown {
  switch (type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return EMPTY_BYTES;
    case 'records':
      return null;
    case 'uuid':
      return ZERO_UUID;
    default:
      return 0;
  }
}

function isDefault(
  field: CompiledField,
  version: number,
  flexible: boolean,
  value: unknown,
): boolean {
  const { spec } = field;
  if (spec.array && Array.isArray(value) && spec.default === undefined) return value.length === 0;
  if (field.struct !== undefined && !spec.array && value !== null) {
    return field.struct.isDefault(value as Struct, version, flexible);
  }
  const zero = defaultValue(field, version, flexible);
  if (value instanceof Uint8Array && zero instanceof Uint8Array)
    return value.length === zero.length;
  return value === zero;
}

function readValue(r: KafkaReader, field: CompiledField, version: number, flexible: boolean) {
  const nullable = inRange(field.nullableVersions, version);
  if (!field.spec.array) {
    if (field.struct !== undefined) return field.struct.decode(r, version, flexible);
    return readScalar(r, field.spec.type as ScalarType, flexible, nullable, field.path);
  }
  const count = r.arrayLength(flexible, nullable, field.path);
  if (count === -1) return null;
  const items: unknown[] = new Array(count);
  for (let i = 0; i < count; i++) {
    items[i] =
      field.struct !== undefined
        ? field.struct.decode(r, version, flexible)
        : readScalar(r, field.spec.type as ScalarType, flexible, false, field.path);
  }
  return items;
}

function readScalar(
  r: KafkaReader,
  type: ScalarType,
  compact: boolean,
  nullable: boolean,
  path: string,
): unknown {
  switch (type) {
    case 'int8':
      return r.int8(path);
    case 'int16':
      return r.int16(path);
    case 'uint16':
      return r.uint16(path);
    case 'int32':
      return r.int32(path);
    case 'uint32':
      return r.uint32(path);
    case 'int64':
      return r.int64(path);
    case 'float64':
      return r.float64(path);
    case 'bool':
      return r.bool(path);
    case 'uuid':
      return r.uuid(path);
    case 'string':
      if (compact) return nullable ? r.compactNullableString(path) : r.compactString(path);
      return nullable ? r.nullableString(path) : r.string(path);
    default:
      // bytes and records: records stay a view of the request, never copied.
      if (compact) return nullable ? r.compactNullableBytes(path) : r.compactBytes(path);
      return nullable ? r.nullableBytes(path) : r.bytes(path);
  }
}

function writeValue(
  w: KafkaWriter,
  field: CompiledField,
  version: number,
  flexible: boolean,
  value: unknown,
): void {
  if (value === undefined) value = defaultValue(field, version, flexible);
  if (value === null && !inRange(field.nullableVersions, version)) {
    throw new KafkaProtocolError(
      `${field.path} is null, which version ${version} does not allow`,
      -1,
      ErrorCode.INVALID_REQUEST,
    );
  }
  if (!field.spec.array) {
    if (field.struct !== undefined) field.struct.encode(w, version, flexible, value as Struct);
    else writeScalar(w, field.spec.type as ScalarType, flexible, value, field.path);
    return;
  }
  if (value === null) {
    w.arrayLength(null, flexible);
    return;
  }
  const items = value as readonly unknown[];
  w.arrayLength(items.length, flexible);
  for (const item of items) {
    if (field.struct !== undefined) field.struct.encode(w, version, flexible, item as Struct);
    else writeScalar(w, field.spec.type as ScalarType, flexible, item, field.path);
  }
}

function writeScalar(
  w: KafkaWriter,
  type: ScalarType,
  compact: boolean,
  value: unknown,
  path: string,
): void {
  try {
    writeScalarUnchecked(w, type, compact, value);
  } catch (error) {
    if (error instanceof KafkaProtocolError) {
      throw new KafkaProtocolError(`${path}: ${error.message}`, -1, error.errorCode);
    }
    throw new KafkaProtocolError(`${path}: cannot write ${String(value)} as ${type}`, -1);
  }
}

function writeScalarUnchecked(w: KafkaWriter, type: ScalarType, compact: boolean, value: unknown) {
  switch (type) {
    case 'int8':
      return w.int8(value as number);
    case 'int16':
      return w.int16(value as number);
    case 'uint16':
      return w.uint16(value as number);
    case 'int32':
      return w.int32(value as number);
    case 'uint32':
      return w.uint32(value as number);
    case 'int64':
      return w.int64(value as number);
    case 'float64':
      return w.float64(value as number);
    case 'bool':
      return w.bool(value as boolean);
    case 'uuid':
      return w.uuid(value as string);
    case 'string':
      return compact ? w.compactString(value as string | null) : w.string(value as string | null);
    default:
      return writeBytes(w, compact, value as BytesInput | null);
  }
}

/** bytes / records, where records may come as several stored batches to send back to back. */
function writeBytes(w: KafkaWriter, compact: boolean, value: BytesInput | null): void {
  if (value === null || value instanceof Uint8Array) {
    if (compact) w.compactBytes(value);
    else w.bytes(value);
    return;
  }
  let length = 0;
  for (const part of value) length += part.length;
  if (compact) w.uvarint(length + 1);
  else w.int32(length);
  for (const part of value) w.raw(part);
}

/** One message (a request or response body) in all its versions. */
export class MessageCodec<T> {
  readonly versions: VersionRange;
  readonly flexibleVersions: VersionRange;
  private readonly root: StructCodec;

  constructor(
    readonly name: string,
    versions: string,
    flexibleVersions: string,
    /** The field table, for tools and tests that walk a message's shape. */
    readonly fields: readonly FieldSpec[],
  ) {
    this.versions = parseVersions(versions);
    this.flexibleVersions = parseVersions(flexibleVersions);
    this.root = new StructCodec(fields, '');
  }

  private check(version: number): boolean {
    if (!(Number.isInteger(version) && inRange(this.versions, version))) {
      throw new KafkaProtocolError(
        `${this.name} version ${version} is not supported (${this.versions.min}-${this.versions.max})`,
        -1,
        ErrorCode.UNSUPPORTED_VERSION,
      );
    }
    return inRange(this.flexibleVersions, version);
  }

  decode(r: KafkaReader, version: number): T {
    return this.root.decode(r, version, this.check(version)) as T;
  }

  encode(w: KafkaWriter, version: number, value: T): void {
    this.root.encode(w, version, this.check(version), value as Struct);
  }
}
