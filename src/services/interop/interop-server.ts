// The interop server: grpc.testing.TestService on a handwire Server, plaintext or TLS (grpc
// doc/interop-test-descriptions.md, "Server": `--port`, `--use_tls`, server1.pem).

import type { ServerInterceptor } from '../../server/interceptor.js';
import { Server } from '../../server/server.js';
import { ServedTestServiceDefinition, testServiceImplementation } from './test-service.js';

export interface InteropServerOptions {
  /**
   * Serve over TLS with this certificate and key, PEM contents (grpc's server1.pem and
   * server1.key); the caller reads the files, so it can say which one is missing.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Around every call (tests use one to watch what arrives). */
  interceptors?: ServerInterceptor[];
}

/**
 * A Server with TestService registered. Responses may be gzip-compressed (when the client
 * accepts gzip); each handler then decides per message, as CompressedResponse asks.
 */
export function createInteropServer(options: InteropServerOptions = {}): Server {
  // No maxReceiveMessageLength: large_unary and custom_metadata send 271,828-byte requests, and
  // grpc's 4 MiB default is plenty.
  const server = new Server({
    compression: 'gzip',
    interceptors: options.interceptors ?? [],
    tls: options.tls,
  });
  server.addService(ServedTestServiceDefinition, testServiceImplementation);
  return server;
}
