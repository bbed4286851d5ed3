// Loading .proto files for the reflection descriptors (protobuf "Language Guide", "Importing
// Definitions"; protoc's `-I` search): each file and everything it imports, depth first, parsed
// into one protobufjs Root, with what its header declares (syntax, package, public and weak
// imports) and the top-level definitions each file contributes.
//
// Files are found as protoc finds them: each name is looked up in the `protoPath` directories in
// order. The well-known types (google/protobuf/*.proto) need not be there: the copies bundled with
// protobufjs are used, .proto files for descriptor/api/type/source_context and its pre-parsed
// definitions for any, duration, timestamp, empty, struct, wrappers and field_mask.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

type Syntax = 'proto2' | 'proto3';

/** One file as loaded: what its header declares (its definitions are in the shared Root). */
export interface LoadedFile {
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
export function loadFiles(protoPath: readonly string[], names: readonly string[]) {
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

export interface FileContents {
  readonly messages: protobuf.Type[];
  readonly enums: protobuf.Enum[];
  readonly services: protobuf.Service[];
  readonly extensions: protobuf.Field[];
}

/** The top-level definitions of `file`, in the order the file declares them. */
export function contentsOf(file: LoadedFile, root: protobuf.Root): FileContents {
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
