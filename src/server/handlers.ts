// The four handler shapes of a gRPC server (grpc "core concepts": unary, server streaming, client
// streaming, bidirectional streaming) and the map from a service definition to its handlers.

import type { MethodDefinition, ServiceDefinition } from '../transport/service-definition.js';
import type { ServerCallContext } from './call-context.js';

/** One request in, one response out. */
export type UnaryHandler<Req, Res> = (
  request: Req,
  context: ServerCallContext,
) => Promise<Res> | Res;

/** One request in, a stream of responses out (written as the iterable yields them). */
export type ServerStreamingHandler<Req, Res> = (
  request: Req,
  context: ServerCallContext,
) => AsyncIterable<Res>;

/** A stream of requests in (read as fast as the handler consumes them), one response out. */
export type ClientStreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  context: ServerCallContext,
) => Promise<Res> | Res;

/** Streams both ways, independently. */
export type BidiStreamingHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  context: ServerCallContext,
) => AsyncIterable<Res>;

/** The handler type that a method of a given shape takes. */
export type HandlerFor<M> =
  M extends MethodDefinition<infer Req, infer Res, infer Kind>
    ? Kind extends 'unary'
      ? UnaryHandler<Req, Res>
      : Kind extends 'serverStreaming'
        ? ServerStreamingHandler<Req, Res>
        : Kind extends 'clientStreaming'
          ? ClientStreamingHandler<Req, Res>
          : BidiStreamingHandler<Req, Res>
    : never;

/** An object with one handler per method of the service, each typed by the method's shape. */
export type ServiceImplementation<S extends ServiceDefinition> = {
  [Name in keyof S['methods']]: HandlerFor<S['methods'][Name]>;
};

/** Any handler, as the server stores it before dispatching on the method's kind. */
export type AnyHandler = (request: any, context: ServerCallContext) => unknown;
