// A method as the server keeps it once a service is added (grpc PROTOCOL-HTTP2.md "Path": one
// entry per /{service}/{method}): the contract between the method table, admission and the call.

import type { MethodDefinition } from '../transport/service-definition.js';
import type { AnyHandler } from './handlers.js';
import type { ServerNext } from './interceptor.js';

/** A method as the server keeps it: its definition, its handler, and the composed chain. */
export interface RegisteredMethod {
  readonly definition: MethodDefinition;
  readonly handler: AnyHandler;
  /** The handler wrapped in the server's interceptors; undefined when there are none. */
  readonly chain: ServerNext | undefined;
  /** True for client-streaming and bidi methods. */
  readonly requestStreams: boolean;
  /** True for server-streaming and bidi methods. */
  readonly responseStreams: boolean;
}
