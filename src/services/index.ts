// handwire/services: the optional services a server adds with one call — grpc.health.v1.Health
// (grpc doc/health-checking.md) and server reflection (grpc doc/server-reflection.md) — and the
// standard server interceptors `handwire serve` runs (request id, logging, recovery, metrics,
// tracing, auth, rate limit), each usable alone or all at once through standardInterceptors.

export type {
  HealthCheckRequest,
  HealthCheckResponse,
  HealthListResponse,
} from '../wire/messages/health.js';
export type {
  ErrorResponse,
  ExtensionNumberResponse,
  ExtensionRequest,
  FileDescriptorResponse,
  ListServiceResponse,
  MessageRequest,
  MessageResponse,
  ReflectionPackage,
  ServerReflectionRequest,
  ServerReflectionResponse,
  ServiceResponse,
} from '../wire/messages/reflection.js';
export {
  addHealthService,
  HealthService,
  HealthServiceDefinition,
  ServingStatus,
} from './health/health-service.js';
export {
  type AuthOptions,
  authInterceptor,
  type CallLogger,
  createMetrics,
  createStderrLogger,
  type ErrorLogger,
  loggingInterceptor,
  type Metrics,
  type MetricsServer,
  type MetricsServerOptions,
  type Principal,
  principalOf,
  type RateLimiter,
  type RateLimitOptions,
  REQUEST_ID_KEY,
  ROLE_NAMES,
  type RoleName,
  rateLimitInterceptor,
  recoveryInterceptor,
  rejectedCallRecorder,
  requestIdInterceptor,
  requestIdOf,
  type StandardInterceptorOptions,
  standardInterceptors,
  startMetricsServer,
  tracingInterceptor,
} from './interceptors/index.js';
export {
  type DescribedFile,
  DescriptorPool,
  type DescriptorPoolOptions,
} from './reflection/descriptor-pool.js';
export {
  addReflectionService,
  type ReflectionOptions,
  ReflectionService,
  ReflectionV1AlphaDefinition,
  ReflectionV1Definition,
} from './reflection/reflection-service.js';
