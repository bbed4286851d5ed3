// A TCP proxy in front of a server, for fault tests: it counts connections, and `kill()` drops
// every connection at once without a GOAWAY, as a killed server process would.

import net from 'node:net';
import type { Test } from 'tap';

export interface TcpProxy {
  readonly port: number;
  readonly address: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Resets every connection and stops listening. */
  kill(): Promise<void>;
  /** Stops forwarding bytes (both ways) while keeping every connection open: a hung peer. */
  freeze(): void;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startTcpProxy(t: Test, upstreamPort: number, port = 0): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const pairs: [net.Socket, net.Socket][] = [];
  let server: net.Server | undefined;
  const listen = async (at: number): Promise<number> => {
    const s = net.createServer((client) => {
      connections++;
      const upstream = net.connect(upstreamPort, '127.0.0.1');
      sockets.add(client);
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      pairs.push([client, upstream]);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(at, '127.0.0.1', resolve));
    return (s.address() as net.AddressInfo).port;
  };
  const kill = async () => {
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    const s = server;
    server = undefined;
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const bound = await listen(port);
  t.teardown(kill);
  return {
    port: bound,
    address: `127.0.0.1:${bound}`,
    get connections() {
      return connections;
    },
    kill,
    freeze: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restart: async () => {
      await listen(bound);
    },
  };
}
