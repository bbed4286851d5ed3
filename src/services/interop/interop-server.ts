// The interop server: grpc.testing.TestService on a handwire Server, plaintext or TLS (grpc
// doc/interop-test-descriptions.md, "Server": `--port`, `--use_tls`, server1.pem).

import { readFileSync } from 'node:fs';
import type { ServerInterceptor } from '../../server/interceptor.js';
import { Server } from '../../server/server.js';
import type { TestCredentialFiles } from './test-credentials.js';
import { ServedTestServiceDefinition, testServiceImplementation } from './test-service.js';

export interface InteropServerOptions {
  /** Serve over TLS with this certificate and key (grpc's server1.pem and server1.key). */
  tls?: Pick<TestCredentialFiles, 'serverCert' | 'serverKey'>;
  /** Around every call (tests use one to watch what arrives). */
  interceptors?: ServerInterceptor[];
}

/**
 * A Server with TestService registered. Responses may be gzip-compressed (when the client
 * accepts gzip); each handler then decides per message, as CompressedResponse asks.
 */
export function createInteropServer(options: InteropServerOptions = {}): Server {
  const server = new Server({
    compression: 'gzip',
    interceptors: options.interceptors ?? [],
    // large_unary and custom_metadata send 271,828-byte requests; grpc's 4 MiB default is plenty.
    tls:
      options.tls === undefined
        ? undefined
        : {
            cert: readFileSync(options.tls.serverCert),
            key: readFileSync(options.tls.serverKey),
          },
  });
  server.addService(ServedTestServiceDefinition, testServiceImplementation);
  return server;
}
