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
  // Half-open allowed on both legs: one side ending its writes must not cut the answer still
  // coming the other way; pipe() passes each end on, and a socket closes once both are done.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const number = ++accepted;
    const target = net.connect({
      port: options.targetPort,
      host: options.targetHost,
      allowHalfOpen: true,
    });
    const trace = new ConnectionTrace((traced) => options.onFrame(number, traced), options.schema);
    sockets.add(client).add(target);
    client.on('data', (chunk: Buffer) => trace.push('client', chunk));
    target.on('data', (chunk: Buffer) => trace.push('server', chunk));
    client.pipe(target);
    target.pipe(client);
    target.on('connect', () => options.onConnection?.(number, 'opened'));
    let reported = false;
    const report = (event: string) => {
      if (reported) return;
      reported = true;
      options.onConnection?.(number, event);
    };
    // A failure on either side ends both at once; a close ends the other side's writing, as a
    // closed TCP connection would (pipe() passes on an orderly end by itself).
    const failed = (event: string) => {
      report(event);
      client.destroy();
      target.destroy();
    };
    target.on('error', (error) =>
      failed(`the target ${options.targetHost}:${options.targetPort} failed: ${error.message}`),
    );
    client.on('error', (error) => failed(`the client's side failed: ${error.message}`));
    for (const [socket, other] of [
      [client, target],
      [target, client],
    ] as const) {
      socket.on('close', () => {
        sockets.delete(socket);
        other.end();
        if (!sockets.has(other)) report('closed');
      });
    }
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
