// A loopback address nothing listens on, for tests of refused connects: a port bound, then closed.

import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `127.0.0.1:<a free port>`. */
export async function downAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}
