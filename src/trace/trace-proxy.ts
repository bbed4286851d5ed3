// A TCP pass-through that traces HTTP/2: it accepts connections, opens one to the target for
// each, forwards every byte both ways unchanged, and feeds a copy of each direction to a
// ConnectionTrace. The bytes are forwarded first, so tracing never holds a call back.

import net from 'node:net';
import { ConnectionTrace, type TracedFrame } from './connection-trace.js';
import type { ProtoSchema } from './proto-schema.js';

export interface TraceProxyOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly schema?: ProtoSchema;
  /** Each frame traced, with the number of its connection (1 for the first accepted). */
  readonly onFrame: (connection: number, traced: TracedFrame) => void;
  /** A connection opened or closed, or the target refused it (a sentence saying so). */
  readonly onConnection?: (connection: number, event: string) => void;
}

export interface TraceProxy {
  /** host:port the proxy listens on. */
  readonly address: string;
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

export async function startTraceProxy(options: TraceProxyOptions): Promise<TraceProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    const number = ++accepted;
    const target = net.connect(options.targetPort, options.targetHost);
    const trace = new ConnectionTrace((traced) => options.onFrame(number, traced), options.schema);
    sockets.add(client).add(target);
    client.on('data', (chunk: Buffer) => trace.push('client', chunk));
    target.on('data', (chunk: Buffer) => trace.push('server', chunk));
    client.pipe(target);
    target.pipe(client);
    target.on('connect', () => options.onConnection?.(number, 'opened'));
    let closed = false;
    // pipe() already passes each side's end on; a failure ends both sides at once.
    const close = (why: string, destroy: boolean) => {
      if (destroy) {
        client.destroy();
        target.destroy();
      }
      if (closed) return;
      closed = true;
      sockets.delete(client);
      sockets.delete(target);
      options.onConnection?.(number, why);
    };
    target.on('error', (error) =>
      close(
        `the target ${options.targetHost}:${options.targetPort} failed: ${error.message}`,
        true,
      ),
    );
    client.on('error', (error) => close(`the client's side failed: ${error.message}`, true));
    target.on('close', () => close('closed', false));
    client.on('close', () => close('closed', false));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort, options.listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as net.AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    address: `${host}:${port}`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
