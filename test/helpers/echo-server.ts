// Starts a handwire server with the Echo service on a free loopback port, closed after the test.

import type { Test } from 'tap';
import { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/server-options.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';

export async function startEchoServer(t: Test, options: ServerOptions = {}) {
  const server = new Server(options);
  server.addService(EchoService, echoImplementation);
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  return { server, address: bound.address, port: bound.port };
}
