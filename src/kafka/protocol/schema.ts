// The field-table vocabulary the API modules describe their messages in, mirroring the fields of
// Kafka's message schemas (kafka.apache.org/protocol; flexible versions and tagged fields: KIP-482).
//
// A message is a list of fields; each names its type, the versions it exists in, the versions in
// which it may be null, its default, and, for a tagged field, its tag and tagged versions. One
// interpreter (message-codec.ts) reads and writes every message from these tables, so each API
// file reads like the schema it follows and all four directions (request and response, encode and
// decode) come from one description.

/** The primitive types of a field (kafka.apache.org/protocol "Protocol Primitive Types"). */
export type ScalarType =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

/** A field of a message or of a nested struct. */
export interface FieldSpec {
  /** The schema's field name in camelCase: the property of the TypeScript object. */
  readonly name: string;
  /** A primitive type, or the fields of a nested struct. */
  readonly type: ScalarType | readonly FieldSpec[];
  /** True for an array of `type` (`[]int32`, `[]Topic`). */
  readonly array: boolean;
  /** The versions the field exists in: "0+", "3-7", "5". */
  readonly versions: string;
  /** The versions in which the field may be null ("none" when never). */
  readonly nullableVersions: string;
  /** The value a reader gives the field in versions without it; undefined = the type's zero. */
  readonly default?: unknown;
  /** The tag of a tagged field (KIP-482), written in the tagged-field section. */
  readonly tag?: number;
  /** The versions in which the field is tagged. */
  readonly taggedVersions: string;
}

interface FieldOptions {
  nullable?: string;
  default?: unknown;
  tag?: number;
  tagged?: string;
}

function spec(
  name: string,
  type: ScalarType | readonly FieldSpec[],
  array: boolean,
  versions: string,
  options: FieldOptions,
): FieldSpec {
  return {
    name,
    type,
    array,
    versions,
    nullableVersions: options.nullable ?? 'none',
    default: options.default,
    tag: options.tag,
    taggedVersions: options.tagged ?? 'none',
  };
}

/** A primitive field: `field('acks', 'int16', '0+')`. */
export function field(
  name: string,
  type: ScalarType,
  versions: string,
  options: FieldOptions = {},
): FieldSpec {
  return spec(name, type, false, versions, options);
}

/** An array of primitives: `arrayOf('brokerIds', 'int32', '0+')`. */
export function arrayOf(
  name: string,
  type: ScalarType,
  versions: string,
  options: FieldOptions = {},
): FieldSpec {
  return spec(name, type, true, versions, options);
}

/** An array of structs: `structs('topics', '0+', [ ...fields ])`. */
export function structs(
  name: string,
  versions: string,
  fields: readonly FieldSpec[],
  options: FieldOptions = {},
): FieldSpec {
  return spec(name, fields, true, versions, options);
}

/** A single nested struct (in these schemas, always a tagged one). */
export function struct(
  name: string,
  versions: string,
  fields: readonly FieldSpec[],
  options: FieldOptions = {},
): FieldSpec {
  return spec(name, fields, false, versions, options);
}

/** A version range: inclusive `min`..`max` (max is Infinity for "n+"; min > max for "none"). */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Parses a schema version range: "none", "3", "3+", "3-7". */
export function parseVersions(text: string): VersionRange {
  if (text === 'none') return { min: 1, max: 0 };
  const match = /^(\d+)(\+|-(\d+))?$/.exec(text);
  if (match === null) throw new Error(`"${text}" is not a version range (none, n, n+, n-m)`);
  const min = Number(match[1]);
  if (match[2] === undefined) return { min, max: min };
  if (match[2] === '+') return { min, max: Number.POSITIVE_INFINITY };
  return { min, max: Number(match[3]) };
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}
