// handwire's public API: what an application or a test suite imports to serve gRPC. Three subpaths
// hold the rest: handwire/wire (writing codecs by hand), handwire/services (health, reflection,
// the standard interceptors) and handwire/protobufjs (any .proto, encoded by protobufjs).

// The client: channels, typed clients for the four call shapes, client interceptors.
export type { CallOptions } from './client/call-options.js';
export {
  Channel,
  type ChannelOptions,
  type ConnectivityState,
  createChannel,
} from './client/channel.js';
export {
  type Client,
  type ClientMethod,
  type ClientOptions,
  createClient,
} from './client/client.js';
export type { ClientCall, ClientInterceptor, ClientNext } from './client/interceptor.js';
export type {
  HedgingPolicy,
  MethodConfig,
  MethodName,
  RetryPolicy,
  RetryThrottlingConfig,
  ServiceConfig,
} from './client/retry-policy.js';
export type { ClientTlsOptions } from './client/tls.js';
// The embedded Kafka broker (Apache Kafka wire protocol), alone or fed from an offer event log.
export {
  type KafkaBroker,
  type KafkaBrokerOptions,
  OFFER_EVENTS_TOPIC,
  offerEventJson,
  startKafkaBroker,
} from './kafka/index.js';
export type { ServerCallContext } from './server/call-context.js';
export type {
  BidiStreamingHandler,
  ClientStreamingHandler,
  ServerStreamingHandler,
  ServiceImplementation,
  UnaryHandler,
} from './server/handlers.js';
export type { ServerCall, ServerInterceptor, ServerNext } from './server/interceptor.js';
export {
  type BoundAddress,
  type CloseOptions,
  type ListenOptions,
  Server,
} from './server/server.js';
export type { RejectedCall, ServerLogger, ServerOptions } from './server/server-options.js';
export { findDetail, GrpcError, packDetail, unpackDetail } from './transport/grpc-error.js';
export { Metadata } from './transport/metadata.js';
export {
  type MethodDefinition,
  type MethodKind,
  method,
  type ServiceDefinition,
} from './transport/service-definition.js';
export { Status, type StatusCode, statusName } from './transport/status.js';
export { decodeMessage, encodeMessage, type MessageCodec } from './wire/codec.js';
export { Reader } from './wire/reader.js';
export { WireError } from './wire/wire-error.js';
export { WireType } from './wire/wire-types.js';
export { Writer } from './wire/writer.js';
