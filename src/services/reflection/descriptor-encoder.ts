// Writing a google.protobuf.FileDescriptorProto for each loaded file (protobuf descriptor.proto,
// field by field; its field numbers are in the calls), the bytes reflection hands to clients.
//
// What each descriptor holds: everything that decides how a message is encoded or named —
// package, imports (public and weak marked), messages and nested messages, fields (number, label,
// type, full type name, oneof, json_name, proto2 defaults, proto3 `optional`), map entries,
// enums (aliases allowed where the file allows them), reserved and extension ranges,
// extensions, services and methods with their streaming flags. Options that change nothing on
// the wire (java_package, deprecated, …) and comments are left out.

import protobuf from 'protobufjs';
import { DescriptorMessage } from './descriptor-message.js';
import type { FileContents, LoadedFile } from './proto-file-loader.js';
import type { SymbolIndex } from './symbol-index.js';

/** FieldDescriptorProto.Type, for the scalar type names of a .proto file. */
const SCALAR_TYPES: ReadonlyMap<string, number> = new Map([
  ['double', 1],
  ['float', 2],
  ['int64', 3],
  ['uint64', 4],
  ['int32', 5],
  ['fixed64', 6],
  ['fixed32', 7],
  ['bool', 8],
  ['string', 9],
  ['bytes', 12],
  ['uint32', 13],
  ['sfixed32', 15],
  ['sfixed64', 16],
  ['sint32', 17],
  ['sint64', 18],
]);
const TYPE_GROUP = 10;
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;

const LABEL_OPTIONAL = 1;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

/** "max" in a range: protobufjs stores 2^29-1, the largest field number. */
const MAX_FIELD_NUMBER = 0x1fffffff;

/** A protobufjs full name is `.pkg.Name`; symbols are looked up without the leading dot. */
function symbolOf(object: protobuf.ReflectionObject): string {
  return object.fullName.slice(1);
}

/** FileDescriptorProto (descriptor.proto field numbers in the calls). */
export function encodeFile(file: LoadedFile, contents: FileContents, index: SymbolIndex): Buffer {
  const scope = file.package === '' ? '' : `${file.package}.`;
  if (file.package !== '') index.addPackage(file.package, file.name);
  const message = new DescriptorMessage()
    .string(1, file.name)
    .string(2, file.package === '' ? undefined : file.package);
  for (const dependency of file.dependencies) message.string(3, dependency);
  for (const type of contents.messages) message.message(4, encodeMessageType(type, file, index));
  for (const type of contents.enums) message.message(5, encodeEnum(type, scope, file, index));
  for (const service of contents.services) message.message(6, encodeService(service, file, index));
  for (const extension of contents.extensions) {
    message.message(7, encodeField(extension, file, index));
  }
  for (const position of file.publicDependencies) message.int32(10, position);
  for (const position of file.weakDependencies) message.int32(11, position);
  // protoc leaves `syntax` unset for proto2 and writes "proto3" for proto3.
  return message.string(12, file.syntax === 'proto3' ? 'proto3' : undefined).encode();
}

/** DescriptorProto, with its nested messages, enums, map entries and extensions. */
function encodeMessageType(type: protobuf.Type, file: LoadedFile, index: SymbolIndex): Buffer {
  const name = symbolOf(type);
  index.addMessageType(name, file.name);
  // Real oneofs first, then the synthetic one of each proto3 `optional` field: protoc's order.
  const oneofs = [
    ...type.oneofsArray.filter((oneof) => !isSyntheticOneof(oneof)),
    ...type.oneofsArray.filter(isSyntheticOneof),
  ];
  const message = new DescriptorMessage().string(1, type.name);
  const mapEntries: Buffer[] = [];
  for (const field of type.fieldsArray) {
    // protobufjs adds each extension of this type to it as a field: those belong to their files.
    if (field.declaringField !== null) continue;
    index.add(`${name}.${fieldName(field, file)}`, file.name);
    const oneof = field.partOf === null ? -1 : oneofs.indexOf(field.partOf);
    message.message(2, encodeField(field, file, index, oneof));
    if (field instanceof protobuf.MapField) {
      mapEntries.push(encodeMapEntry(field, name, file, index));
    }
  }
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type) message.message(3, encodeMessageType(nested, file, index));
  }
  for (const entry of mapEntries) message.message(3, entry);
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Enum) {
      message.message(4, encodeEnum(nested, `${name}.`, file, index));
    }
  }
  for (const [start, end] of numberRanges(type.extensions)) {
    // ExtensionRange.end is exclusive; protobufjs keeps ranges inclusive.
    message.message(
      5,
      new DescriptorMessage()
        .int32(1, start)
        .int32(2, end + 1)
        .encode(),
    );
  }
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Field) message.message(6, encodeField(nested, file, index));
  }
  for (const oneof of oneofs) {
    index.add(`${name}.${oneof.name}`, file.name);
    message.message(8, new DescriptorMessage().string(1, oneof.name).encode());
  }
  for (const [start, end] of numberRanges(reservedNumbers(type.reserved))) {
    // ReservedRange.end is exclusive too.
    message.message(
      9,
      new DescriptorMessage()
        .int32(1, start)
        .int32(2, end + 1)
        .encode(),
    );
  }
  for (const reserved of type.reserved ?? []) {
    if (typeof reserved === 'string') message.string(10, reserved);
  }
  return message.encode();
}

/** The number ranges of a `reserved` list, which mixes ranges and names. */
function reservedNumbers(reserved: (number[] | string)[] | undefined): number[][] {
  return (reserved ?? []).filter((entry): entry is number[] => typeof entry !== 'string');
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  const fields = oneof.fieldsArray;
  return fields.length === 1 && fields[0]!.options?.proto3_optional === true;
}

function numberRanges(ranges: number[][] | undefined): [number, number][] {
  return (ranges ?? []).map(([start, end]) => [start!, Math.min(end ?? start!, MAX_FIELD_NUMBER)]);
}

/** FieldDescriptorProto of a field, or of an extension (then `extendee` is set). */
function encodeField(
  field: protobuf.Field,
  file: LoadedFile,
  index: SymbolIndex,
  oneofIndex = -1,
): Buffer {
  const name = fieldName(field, file);
  const message = new DescriptorMessage().string(1, name);
  if (field.extend !== undefined) {
    // A declared extension: protobufjs resolved it onto its extendee as a sister field.
    const extendee = field.extensionField?.parent;
    if (!(extendee instanceof protobuf.Type)) {
      throw new Error(`${file.name}: the extendee of ${field.fullName} is not a message`);
    }
    message.string(2, extendee.fullName);
    index.add(symbolOf(field), file.name);
    index.addExtension(symbolOf(extendee), field.id, file.name);
  }
  message.int32(3, field.id);
  const isMap = field instanceof protobuf.MapField;
  const label =
    field.repeated || isMap
      ? LABEL_REPEATED
      : field.rule === 'required'
        ? LABEL_REQUIRED
        : LABEL_OPTIONAL;
  message.int32(4, label);
  if (isMap) {
    message
      .int32(5, TYPE_MESSAGE)
      .string(6, `${field.parent!.fullName}.${mapEntryName(field.name)}`);
  } else {
    const [type, typeName] = fieldType(field, file);
    message.int32(5, type).string(6, typeName);
  }
  const options = field.options ?? {};
  if (options.default !== undefined) message.string(7, defaultValueText(field, options.default));
  if (oneofIndex >= 0) message.int32(9, oneofIndex);
  message.string(10, typeof options.json_name === 'string' ? options.json_name : jsonName(name));
  if (typeof options.packed === 'boolean') {
    message.message(8, new DescriptorMessage().bool(2, options.packed).encode());
  }
  if (options.proto3_optional === true) message.bool(17, true);
  return message.encode();
}

/**
 * A field's name as protoc names it. For a proto2 group that is the group's name in lower case
 * (`group XGroup` → `xgroup`), where protobufjs only lowers the first letter. protobufjs's
 * pre-parsed well-known types spell some fields in camelCase (struct.proto's `nullValue`); their
 * .proto names, which every client uses, are snake_case (`null_value`).
 */
function fieldName(field: protobuf.FieldBase, file: LoadedFile): string {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type && (resolved as { group?: boolean }).group === true) {
    return resolved.name.toLowerCase();
  }
  if (file.preParsed) return field.name.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`);
  return field.name;
}

/** The `type` and `type_name` of a field: a scalar, or the full name of its message or enum. */
function fieldType(field: protobuf.FieldBase, file: LoadedFile): [number, string | undefined] {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return [TYPE_ENUM, resolved.fullName];
  if (resolved instanceof protobuf.Type) {
    const isGroup = (resolved as { group?: boolean }).group === true;
    return [isGroup ? TYPE_GROUP : TYPE_MESSAGE, resolved.fullName];
  }
  const scalar = SCALAR_TYPES.get(field.type);
  if (scalar === undefined) {
    throw new Error(`${file.name}: field ${field.fullName} has unknown type ${field.type}`);
  }
  return [scalar, undefined];
}

/**
 * The nested message a map field stands for, as protoc makes it: `map<K, V> foo_bar = n` is
 * `repeated FooBarEntry foo_bar = n` with `message FooBarEntry { K key = 1; V value = 2; }` marked
 * `map_entry`, which tells a reader to decode it as a map.
 */
function encodeMapEntry(
  field: protobuf.MapField,
  parentName: string,
  file: LoadedFile,
  index: SymbolIndex,
): Buffer {
  const entryName = mapEntryName(field.name);
  index.addMessageType(`${parentName}.${entryName}`, file.name);
  index.add(`${parentName}.${entryName}.key`, file.name);
  index.add(`${parentName}.${entryName}.value`, file.name);
  const keyType = SCALAR_TYPES.get(field.keyType);
  if (keyType === undefined) {
    throw new Error(`${file.name}: map field ${field.fullName} has key type ${field.keyType}`);
  }
  const key = new DescriptorMessage()
    .string(1, 'key')
    .int32(3, 1)
    .int32(4, LABEL_OPTIONAL)
    .int32(5, keyType)
    .string(10, 'key')
    .encode();
  const [valueType, valueTypeName] = fieldType(field, file);
  const value = new DescriptorMessage()
    .string(1, 'value')
    .int32(3, 2)
    .int32(4, LABEL_OPTIONAL)
    .int32(5, valueType)
    .string(6, valueTypeName)
    .string(10, 'value')
    .encode();
  return new DescriptorMessage()
    .string(1, entryName)
    .message(2, key)
    .message(2, value)
    .message(7, new DescriptorMessage().bool(7, true).encode())
    .encode();
}

/** EnumDescriptorProto. Its values are scoped beside the enum, as protobuf scopes them. */
function encodeEnum(
  type: protobuf.Enum,
  scope: string,
  file: LoadedFile,
  index: SymbolIndex,
): Buffer {
  index.add(symbolOf(type), file.name);
  const message = new DescriptorMessage().string(1, type.name);
  for (const [name, number] of Object.entries(type.values)) {
    index.add(`${scope}${name}`, file.name);
    message.message(2, new DescriptorMessage().string(1, name).int32(2, number).encode());
  }
  if (type.options?.allow_alias === true) {
    message.message(3, new DescriptorMessage().bool(2, true).encode());
  }
  for (const [start, end] of reservedNumbers(type.reserved)) {
    // EnumReservedRange.end is inclusive, unlike a message's.
    message.message(
      4,
      new DescriptorMessage()
        .int32(1, start!)
        .int32(2, end ?? start!)
        .encode(),
    );
  }
  for (const reserved of type.reserved ?? []) {
    if (typeof reserved === 'string') message.string(5, reserved);
  }
  return message.encode();
}

/** ServiceDescriptorProto, its methods with their full type names and streaming flags. */
function encodeService(service: protobuf.Service, file: LoadedFile, index: SymbolIndex): Buffer {
  const name = symbolOf(service);
  index.add(name, file.name);
  const message = new DescriptorMessage().string(1, service.name);
  for (const method of service.methodsArray) {
    index.add(`${name}.${method.name}`, file.name);
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (request === null || response === null) {
      throw new Error(`${file.name}: the types of ${method.fullName} did not resolve`);
    }
    message.message(
      2,
      new DescriptorMessage()
        .string(1, method.name)
        .string(2, request.fullName)
        .string(3, response.fullName)
        .bool(5, method.requestStream === true ? true : undefined)
        .bool(6, method.responseStream === true ? true : undefined)
        .encode(),
    );
  }
  return message.encode();
}

/** protoc's json_name: underscores dropped, the letter after each one upper-cased. */
function jsonName(fieldName: string): string {
  let result = '';
  let upperNext = false;
  for (const char of fieldName) {
    if (char === '_') {
      upperNext = true;
    } else {
      result += upperNext ? char.toUpperCase() : char;
      upperNext = false;
    }
  }
  return result;
}

/** protoc's map entry name: the field name in CamelCase, then `Entry` (`foo_bar` → FooBarEntry). */
function mapEntryName(fieldName: string): string {
  const camel = jsonName(fieldName);
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

/**
 * A proto2 `[default = …]` as descriptor.proto writes it: numbers in decimal, `inf`/`-inf`/`nan`,
 * `true`/`false`, an enum value by name, a string as is, bytes C-escaped.
 */
function defaultValueText(field: protobuf.Field, value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (value === Number.POSITIVE_INFINITY) return 'inf';
    if (value === Number.NEGATIVE_INFINITY) return '-inf';
    return String(value);
  }
  if (field.type === 'bytes' && typeof value === 'string') {
    return value.replace(/[^\x20-\x7e]|["'\\]/g, (char) => {
      const code = char.charCodeAt(0);
      if (char === '\\' || char === '"' || char === "'") return `\\${char}`;
      return `\\${code.toString(8).padStart(3, '0')}`;
    });
  }
  return String(value);
}
