// The service and method of a gRPC path `/package.Service/Method` (PROTOCOL-HTTP2.md "Path").

/** The services neither authenticated nor rate-limited (docs/contract.md §4): health and reflection. */
export const EXEMPT_SERVICES: readonly string[] = Object.freeze([
  'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
]);

export interface MethodName {
  /** `package.Service` */
  service: string;
  /** `Method` */
  method: string;
}

/** Splits `/package.Service/Method`; a path without that shape is all service, no method. */
export function splitMethodPath(path: string): MethodName {
  const slash = path.lastIndexOf('/');
  if (slash <= 0) return { service: path.replace(/^\//, ''), method: '' };
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}

/** True when `path` belongs to one of `services` (fully-qualified service names). */
export function isInServices(path: string, services: ReadonlySet<string>): boolean {
  return services.has(splitMethodPath(path).service);
}
