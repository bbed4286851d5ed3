// A gRPC service as plain data (grpc PROTOCOL-HTTP2.md, "Path" → /{service}/{method}): what both
// the server and the client need to know of a method — its path, its call shape, its two codecs.

import type { MessageCodec } from '../wire/codec.js';

/**
 * The four call shapes of gRPC. `unary` and `serverStreaming` take exactly one request message;
 * `clientStreaming` and `bidiStreaming` take a stream of them.
 */
export type MethodKind = 'unary' | 'serverStreaming' | 'clientStreaming' | 'bidiStreaming';

export interface MethodDefinition<Req = any, Res = any, Kind extends MethodKind = MethodKind> {
  /** The HTTP/2 `:path`, `/package.Service/Method`. */
  readonly path: string;
  readonly kind: Kind;
  readonly requestCodec: MessageCodec<Req>;
  readonly responseCodec: MessageCodec<Res>;
}

export interface ServiceDefinition {
  /** The fully-qualified service name, `package.Service`. */
  readonly name: string;
  readonly methods: Readonly<Record<string, MethodDefinition>>;
}

/** Builds a MethodDefinition with its path derived from the service and method names. */
export function method<Req, Res, Kind extends MethodKind>(
  serviceName: string,
  methodName: string,
  kind: Kind,
  requestCodec: MessageCodec<Req>,
  responseCodec: MessageCodec<Res>,
): MethodDefinition<Req, Res, Kind> {
  return { path: `/${serviceName}/${methodName}`, kind, requestCodec, responseCodec };
}

/** True for the shapes whose request is a stream of messages. */
export function takesRequestStream(kind: MethodKind): boolean {
  return kind === 'clientStreaming' || kind === 'bidiStreaming';
}

/** True for the shapes whose response is a stream of messages. */
export function givesResponseStream(kind: MethodKind): boolean {
  return kind === 'serverStreaming' || kind === 'bidiStreaming';
}
