// DescriptorPool: real google.protobuf.FileDescriptorProto bytes for .proto files, and the symbol
// index server reflection answers from (protobuf descriptor.proto; grpc doc/server-reflection.md).
//
// protobufjs parses the .proto files (and resolves every type reference to its full name); the
// FileDescriptorProto of each file is then written here, field by field, with the wire Writer.
// protobufjs's own `ext/descriptor` was tried and not used: it guesses file names from packages
// (offers.proto came out as "offers_v1.proto"), leaves type names relative ("Role", not
// ".user.Role") and drops each file's imports, so no client could rebuild the files from it.
//
// Files are found as protoc finds them: each name is looked up in the `protoPath` directories in
// order. The well-known types (google/protobuf/*.proto) need not be there: the copies bundled with
// protobufjs are used, .proto files for descriptor/api/type/source_context and its pre-parsed
// definitions for any, duration, timestamp, empty, struct, wrappers and field_mask.
//
// What each descriptor holds: everything that decides how a message is encoded or named —
// package, imports (public and weak marked), messages and nested messages, fields (number, label,
// type, full type name, oneof, json_name, proto2 defaults, proto3 `optional`), map entries,
// enums (aliases allowed where the file allows them), reserved and extension ranges,
// extensions, services and methods with their streaming flags. Options that change nothing on
// the wire (java_package, deprecated, …) and comments are left out.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { bytesSize, int32Size, stringSize, tagSize } from '../../wire/sizes.js';
import { WireType } from '../../wire/wire-types.js';
import { Writer } from '../../wire/writer.js';

export interface DescriptorPoolOptions {
  /** Directories the files and their imports are looked up in, in order (protoc's `-I`). */
  protoPath: string | readonly string[];
  /** The files to describe, relative to a `protoPath` directory (`user.proto`). */
  files: readonly string[];
}

/** One file: its descriptor's bytes and the files it imports. */
export interface DescribedFile {
  readonly name: string;
  readonly package: string;
  readonly dependencies: readonly string[];
  /** A serialized google.protobuf.FileDescriptorProto. */
  readonly descriptor: Buffer;
}

export class DescriptorPool {
  private readonly files: ReadonlyMap<string, DescribedFile>;
  /** Full name (no leading dot) of every package, type, field, enum value, service, method… */
  private readonly symbols: ReadonlyMap<string, string>;
  /** Message types by full name, with the extensions known for each: number → file. */
  private readonly messageTypes: ReadonlyMap<string, Map<number, string>>;

  private constructor(
    files: Map<string, DescribedFile>,
    symbols: Map<string, string>,
    messageTypes: Map<string, Map<number, string>>,
  ) {
    this.files = files;
    this.symbols = symbols;
    this.messageTypes = messageTypes;
  }

  /** Parses `files` and all they import; throws an Error naming the file and problem if one fails. */
  static load(options: DescriptorPoolOptions): DescriptorPool {
    const protoPath =
      typeof options.protoPath === 'string' ? [options.protoPath] : options.protoPath;
    const loaded = loadFiles(protoPath, options.files);
    const index = new SymbolIndex();
    const files = new Map<string, DescribedFile>();
    for (const file of loaded.files) {
      const contents = contentsOf(file, loaded.root);
      const descriptor = encodeFile(file, contents, index);
      files.set(file.name, {
        name: file.name,
        package: file.package,
        dependencies: file.dependencies,
        descriptor,
      });
    }
    return new DescriptorPool(files, index.symbols, index.messageTypes);
  }

  /** Every file described, the requested ones and their imports, dependencies first. */
  get fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** The file named `name` (as imported: `google/protobuf/any.proto`), if described. */
  file(name: string): DescribedFile | undefined {
    return this.files.get(name);
  }

  /**
   * The descriptors of `name` and of every file it imports, directly or not: the file first, then
   * its imports breadth first, each once. Undefined if no such file is described.
   */
  fileWithDependencies(name: string): Buffer[] | undefined {
    if (!this.files.has(name)) return undefined;
    const order: string[] = [name];
    const seen = new Set(order);
    for (let i = 0; i < order.length; i++) {
      for (const dependency of this.files.get(order[i]!)!.dependencies) {
        if (!seen.has(dependency)) {
          seen.add(dependency);
          order.push(dependency);
        }
      }
    }
    return order.map((file) => this.files.get(file)!.descriptor);
  }

  /**
   * The file that declares `symbol`, a full name without a leading dot: a package, message, nested
   * message, field, oneof, enum, enum value (`pkg.VALUE`, scoped as protobuf scopes it), service,
   * method (`pkg.Service.Method`, what ghz asks for) or extension.
   */
  fileContainingSymbol(symbol: string): string | undefined {
    return this.symbols.get(symbol);
  }

  /** The file that declares extension `number` of message type `typeName`, if any does. */
  fileContainingExtension(typeName: string, number: number): string | undefined {
    return this.messageTypes.get(typeName)?.get(number);
  }

  /**
   * The field numbers of the known extensions of message type `typeName`, in increasing order (an
   * empty list for a message with none, as every proto3 message); undefined for no such message.
   */
  extensionNumbers(typeName: string): number[] | undefined {
    const extensions = this.messageTypes.get(typeName);
    return extensions === undefined ? undefined : [...extensions.keys()].sort((a, b) => a - b);
  }
}

// --- loading: find each file, parse it into one protobufjs Root, note its header ----------------

type Syntax = 'proto2' | 'proto3';

/** One file as loaded: what its header declares (its definitions are in the shared Root). */
interface LoadedFile {
  readonly name: string;
  readonly package: string;
  readonly syntax: Syntax;
  readonly dependencies: string[];
  /** Indexes into `dependencies` of the `import public` ones. */
  readonly publicDependencies: number[];
  /** Indexes into `dependencies` of the `import weak` ones. */
  readonly weakDependencies: number[];
  /** Read from protobufjs's pre-parsed JSON rather than from .proto text. */
  readonly preParsed: boolean;
}

type ProtoSource =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'json'; readonly json: protobuf.INamespace };

const require = createRequire(import.meta.url);
/** protobufjs's copies of descriptor.proto, api.proto, type.proto and source_context.proto. */
const BUNDLED_PROTO_DIR = dirname(require.resolve('protobufjs/package.json'));

function findSource(name: string, protoPath: readonly string[]): ProtoSource | undefined {
  for (const dir of protoPath) {
    const path = join(dir, name);
    if (existsSync(path)) return { kind: 'text', text: readFileSync(path, 'utf8') };
  }
  if (name.startsWith('google/protobuf/')) {
    const bundled = join(BUNDLED_PROTO_DIR, name);
    if (existsSync(bundled)) return { kind: 'text', text: readFileSync(bundled, 'utf8') };
    const json = protobuf.common.get(name);
    if (json !== null) return { kind: 'json', json };
  }
  return undefined;
}

/** Loads `names` and, depth first, everything they import; files come out dependencies first. */
function loadFiles(protoPath: readonly string[], names: readonly string[]) {
  const root = new protobuf.Root();
  const files: LoadedFile[] = [];
  const done = new Set<string>();
  const inProgress: string[] = [];

  const load = (name: string, importedBy: string | undefined): void => {
    if (done.has(name)) return;
    if (inProgress.includes(name)) {
      throw new Error(`import cycle: ${[...inProgress, name].join(' imports ')}`);
    }
    const source = findSource(name, protoPath);
    if (source === undefined) {
      const by = importedBy === undefined ? '' : ` (imported by ${importedBy})`;
      throw new Error(
        `cannot find ${name}${by} in ${protoPath.join(', ') || 'no directory'}: add the directory that holds it to protoPath`,
      );
    }
    inProgress.push(name);
    let file: LoadedFile;
    if (source.kind === 'json') {
      // The pre-parsed well-known types: one proto3 file each, no imports.
      root.addJSON(source.json.nested ?? {});
      file = {
        name,
        package: 'google.protobuf',
        syntax: 'proto3',
        dependencies: [],
        publicDependencies: [],
        weakDependencies: [],
        preParsed: true,
      };
    } else {
      const header = scanHeader(source.text, name);
      for (const dependency of header.dependencies) load(dependency, name);
      let parsed: protobuf.IParserResult;
      try {
        parsed = protobuf.parse(source.text, root, { keepCase: true });
      } catch (error) {
        // protobufjs names the line; the file is named here.
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${name}: ${reason}`, { cause: error });
      }
      file = { name, package: parsed.package ?? '', ...header, preParsed: false };
    }
    // protobufjs leaves `filename` null on what it parses without a loader: claim it for this file.
    claimDefinitions(root, name);
    inProgress.pop();
    done.add(name);
    files.push(file);
  };
  for (const name of names) load(name, undefined);

  try {
    root.resolveAll();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the .proto files do not resolve: ${reason}`, { cause: error });
  }
  return { root, files };
}

/** Marks every definition not yet claimed by a file as belonging to `name`. */
function claimDefinitions(namespace: protobuf.NamespaceBase, name: string): void {
  for (const object of namespace.nestedArray) {
    if (object instanceof protobuf.Type || object instanceof protobuf.Enum) {
      object.filename ??= name;
      if (object instanceof protobuf.Type) {
        for (const field of object.fieldsArray) field.filename ??= name;
      }
    } else if (object instanceof protobuf.Service || object instanceof protobuf.Field) {
      object.filename ??= name;
    }
    if (object instanceof protobuf.Namespace || object instanceof protobuf.Type) {
      claimDefinitions(object, name);
    }
  }
}

/**
 * Reads what protobufjs's parser does not report: the syntax, and each import with whether it is
 * public or weak. Only top-level statements count (a field may be named `import`).
 */
function scanHeader(text: string, name: string) {
  const tokens = protobuf.tokenize(text, false);
  let syntax: Syntax = 'proto2';
  const dependencies: string[] = [];
  const publicDependencies: number[] = [];
  const weakDependencies: number[] = [];
  // A string literal is three tokens: quote, contents, quote. Read whole so `"}"` is no brace.
  const readString = (): string | undefined => {
    const quote = tokens.peek();
    if (quote !== '"' && quote !== "'") return undefined;
    tokens.next();
    const contents = tokens.next() ?? '';
    tokens.next();
    return contents;
  };
  let depth = 0;
  for (let token = tokens.next(); token !== null; token = tokens.next()) {
    if (token === '"' || token === "'") {
      tokens.next();
      tokens.next();
    } else if (token === '{') {
      depth++;
    } else if (token === '}') {
      depth--;
    } else if (
      depth === 0 &&
      (token === 'syntax' || token === 'edition') &&
      tokens.skip('=', true)
    ) {
      const value = readString();
      if (token === 'edition' || (value !== 'proto2' && value !== 'proto3')) {
        throw new Error(
          `${name} declares ${token} ${JSON.stringify(value)}: only proto2 and proto3 files can be described`,
        );
      }
      syntax = value;
    } else if (depth === 0 && token === 'import') {
      const kind = tokens.peek();
      if (kind === 'public' || kind === 'weak') tokens.next();
      const dependency = readString();
      if (dependency === undefined) continue;
      if (kind === 'public') publicDependencies.push(dependencies.length);
      if (kind === 'weak') weakDependencies.push(dependencies.length);
      dependencies.push(dependency);
    }
  }
  return { syntax, dependencies, publicDependencies, weakDependencies };
}

// --- grouping: which definitions each file declares at its top level --------------------------

interface FileContents {
  readonly messages: protobuf.Type[];
  readonly enums: protobuf.Enum[];
  readonly services: protobuf.Service[];
  readonly extensions: protobuf.Field[];
}

/** The top-level definitions of `file`, in the order the file declares them. */
function contentsOf(file: LoadedFile, root: protobuf.Root): FileContents {
  const contents: FileContents = { messages: [], enums: [], services: [], extensions: [] };
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const object of namespace.nestedArray) {
      if (object instanceof protobuf.Type) {
        if (object.filename === file.name) contents.messages.push(object);
      } else if (object instanceof protobuf.Enum) {
        if (object.filename === file.name) contents.enums.push(object);
      } else if (object instanceof protobuf.Service) {
        if (object.filename === file.name) contents.services.push(object);
      } else if (object instanceof protobuf.Field) {
        if (object.filename === file.name) contents.extensions.push(object);
      } else if (object instanceof protobuf.Namespace) {
        // A package: plain namespaces hold the definitions of every file of that package.
        visit(object);
      }
    }
  };
  visit(root);
  return contents;
}

// --- the symbol index ---------------------------------------------------------------------------

class SymbolIndex {
  readonly symbols = new Map<string, string>();
  readonly messageTypes = new Map<string, Map<number, string>>();
  private pendingExtensions: { extendee: string; number: number; file: string }[] = [];

  /** Records `symbol` as declared in `file`; the first file to declare it keeps it. */
  add(symbol: string, file: string): void {
    if (!this.symbols.has(symbol)) this.symbols.set(symbol, file);
  }

  /** A package and each enclosing package (`grpc.health.v1`, `grpc.health`, `grpc`). */
  addPackage(name: string, file: string): void {
    for (let end = name.length; end > 0; end = name.lastIndexOf('.', end - 1)) {
      this.add(name.slice(0, end), file);
    }
  }

  addMessageType(name: string, file: string): void {
    this.add(name, file);
    if (!this.messageTypes.has(name)) this.messageTypes.set(name, new Map());
    // Extensions of a type declared in a later file were held back until the type is known.
    const pending = this.pendingExtensions;
    this.pendingExtensions = [];
    for (const extension of pending)
      this.addExtension(extension.extendee, extension.number, extension.file);
  }

  addExtension(extendee: string, number: number, file: string): void {
    const extensions = this.messageTypes.get(extendee);
    if (extensions === undefined) this.pendingExtensions.push({ extendee, number, file });
    else if (!extensions.has(number)) extensions.set(number, file);
  }
}

// --- encoding: descriptor.proto, field by field ------------------------------------------------

/**
 * A message being built: its fields in order, encoded once all are known. descriptor.proto is
 * proto2, so a field is written when it is present, not when it differs from a default: callers
 * pass undefined for an absent field. Nested messages arrive already encoded, as bytes.
 */
class DescriptorMessage {
  private readonly fields: {
    readonly number: number;
    readonly value: string | number | boolean | Uint8Array;
  }[] = [];

  string(number: number, value: string | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  int32(number: number, value: number | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  bool(number: number, value: boolean | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  message(number: number, value: Uint8Array | undefined): this {
    if (value !== undefined) this.fields.push({ number, value });
    return this;
  }

  encode(): Buffer {
    let size = 0;
    for (const { number, value } of this.fields) {
      size += tagSize(number);
      if (typeof value === 'string') size += stringSize(value);
      else if (typeof value === 'number') size += int32Size(value);
      else if (typeof value === 'boolean') size += 1;
      else size += bytesSize(value);
    }
    const writer = Writer.ofSize(size);
    for (const { number, value } of this.fields) {
      if (typeof value === 'string') writer.tag(number, WireType.LengthDelimited).string(value);
      else if (typeof value === 'number') writer.tag(number, WireType.Varint).int32(value);
      else if (typeof value === 'boolean') writer.tag(number, WireType.Varint).bool(value);
      else writer.tag(number, WireType.LengthDelimited).bytes(value);
    }
    return writer.finish();
  }
}

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
function encodeFile(file: LoadedFile, contents: FileContents, index: SymbolIndex): Buffer {
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
