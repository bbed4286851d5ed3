// DescriptorPool: real google.protobuf.FileDescriptorProto bytes for .proto files, and the symbol
// index server reflection answers from (protobuf descriptor.proto; grpc doc/server-reflection.md).
//
// protobufjs parses the .proto files (and resolves every type reference to its full name); the
// FileDescriptorProto of each file is then written field by field with handwire's wire Writer.
// protobufjs's own `ext/descriptor` was tried and not used: it guesses file names from packages
// (offers.proto came out as "offers_v1.proto"), leaves type names relative ("Role", not
// ".user.Role") and drops each file's imports, so no client could rebuild the files from it.
//
// Three steps, a file each: proto-file-loader.ts finds and parses the files as protoc would,
// descriptor-encoder.ts writes each one's FileDescriptorProto (descriptor-message.ts holds a
// message being built), and symbol-index.ts records which file declares each name as it goes.

import { encodeFile } from './descriptor-encoder.js';
import { contentsOf, loadFiles } from './proto-file-loader.js';
import { SymbolIndex } from './symbol-index.js';

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
