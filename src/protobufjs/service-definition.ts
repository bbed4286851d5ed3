// A service of a loaded .proto (a protobufjs Root) as a handwire ServiceDefinition
// (transport/service-definition.ts): its name, and per method the `/package.Service/Method` path,
// the call shape from the `stream` keywords, and protobufjs codecs for the two message types
// (grpc PROTOCOL-HTTP2.md "Path"; protobuf.dev "Language Guide (proto3)", "Defining Services").

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { type MethodDefinition, type MethodKind, method } from '../transport/service-definition.js';
import { DEFAULT_CONVERSION, type ProtobufjsMessage, protobufjsCodec } from './message-codec.js';

/**
 * A service whose method names and call shapes TypeScript knows when they are given as the type
 * parameter (`{ SayHello: 'unary'; Chat: 'bidiStreaming' }`); messages are ProtobufjsMessage.
 */
export interface ProtobufjsService<Kinds extends Record<string, MethodKind>> {
  readonly name: string;
  readonly methods: {
    readonly [Name in keyof Kinds]: MethodDefinition<
      ProtobufjsMessage,
      ProtobufjsMessage,
      Kinds[Name]
    >;
  };
}

/**
 * Loads .proto files (paths, or file: URLs) into one protobufjs Root with every type reference
 * resolved, so a missing import or an unknown type fails here, naming it, not at the first call.
 */
export function loadProto(files: string | URL | readonly (string | URL)[]): protobuf.Root {
  const list = Array.isArray(files) ? files : [files];
  const paths = list.map((file: string | URL) =>
    file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file,
  );
  const root = protobuf.loadSync(paths);
  root.resolveAll();
  return root;
}

/** Options of protobufjsService. */
export interface ProtobufjsServiceOptions {
  /** How decoded messages look (protobufjs's toObject options); see DEFAULT_CONVERSION. */
  conversion?: protobuf.IConversionOptions;
}

/**
 * The service `serviceName` (`package.Service`) of `root` as plain data, served with
 * `server.addService` and called with `createClient` like a hand-written one. Every method of
 * the .proto is there; `kinds` names those TypeScript should know, with their shapes
 * (`{ SayHello: 'unary' }`), each checked against the .proto here (a mismatch is an error naming
 * the method). Without it, handler and client method types are the union of the four shapes.
 */
export function protobufjsService<
  // biome-ignore lint/suspicious/noExplicitAny: untyped use: any method name, any shape.
  const Kinds extends Record<string, MethodKind> = Record<string, any>,
>(
  root: protobuf.Root,
  serviceName: string,
  kinds?: Kinds,
  options: ProtobufjsServiceOptions = {},
): ProtobufjsService<Kinds> {
  const conversion = options.conversion ?? DEFAULT_CONVERSION;
  const service = lookupService(root, serviceName);
  const name = service.fullName.slice(1);
  const codecs = new Map<protobuf.Type, ReturnType<typeof protobufjsCodec>>();
  const codecOf = (type: protobuf.Type) => {
    let codec = codecs.get(type);
    if (codec === undefined) {
      codec = protobufjsCodec(type, conversion);
      codecs.set(type, codec);
    }
    return codec;
  };
  const methods: Record<string, MethodDefinition> = {};
  for (const rpc of service.methodsArray) {
    rpc.resolve();
    const kind = kindOf(rpc);
    const expected = kinds?.[rpc.name];
    if (expected !== undefined && expected !== kind) {
      throw new TypeError(`${name}.${rpc.name} is ${kind} in the .proto, not ${expected}`);
    }
    methods[rpc.name] = method(
      name,
      rpc.name,
      kind,
      codecOf(rpc.resolvedRequestType!),
      codecOf(rpc.resolvedResponseType!),
    );
  }
  for (const missing of Object.keys(kinds ?? {})) {
    if (!(missing in methods)) throw new TypeError(`${name} has no method ${missing}`);
  }
  return { name, methods } as ProtobufjsService<Kinds>;
}

function lookupService(root: protobuf.Root, serviceName: string): protobuf.Service {
  const found = root.lookup(serviceName);
  if (found instanceof protobuf.Service) return found;
  const services: string[] = [];
  const collect = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service) services.push(nested.fullName.slice(1));
      else if (nested instanceof protobuf.Namespace) collect(nested);
    }
  };
  collect(root);
  throw new TypeError(
    `the .proto files loaded declare no service ${JSON.stringify(serviceName)}; they declare ${
      services.length === 0 ? 'none' : services.join(', ')
    }`,
  );
}

/** The call shape of a method, from its `stream` keywords. */
function kindOf(rpc: protobuf.Method): MethodKind {
  if (rpc.requestStream === true) {
    return rpc.responseStream === true ? 'bidiStreaming' : 'clientStreaming';
  }
  return rpc.responseStream === true ? 'serverStreaming' : 'unary';
}
