// In-memory listeners: a server and a channel of one process joined without a socket, as grpc-go's
// bufconn joins them. Each connection is a pair of connected Duplex streams (duplex-pair.ts), and
// node:http2 runs over it exactly as over TCP — the server's session is made by its 'connection'
// event, the client's by `http2.connect(…, { createConnection })` — so deadlines, metadata, flow
// control, keepalive and GOAWAY behave as they do on a port.
//
// A listener has an address, `memory:<n>`, that createChannel dials like `host:port`: the table
// below maps each address to its server for as long as that server listens.

import type { Duplex } from 'node:stream';
import { connectedPair } from './duplex-pair.js';

/** The scheme of in-memory addresses: `memory:1`, `memory:2`, … */
export const IN_MEMORY_SCHEME = 'memory:';

/** Every in-memory listener of the process, by address: what a dial hands its server end to. */
const listeners = new Map<string, (socket: Duplex) => void>();
let lastNumber = 0;

/** An in-memory listener; `close()` refuses later dials (connections made stay open). */
export interface InMemoryListener {
  /** `memory:<n>`: what a client dials. */
  readonly address: string;
  close(): void;
}

/**
 * Opens a listener with a fresh address; `accept` gets the server end of each connection dialled
 * to it, as a server gets the socket of each TCP connection.
 */
export function listenInMemory(accept: (socket: Duplex) => void): InMemoryListener {
  lastNumber += 1;
  const address = `${IN_MEMORY_SCHEME}${lastNumber}`;
  listeners.set(address, accept);
  return {
    address,
    close: () => {
      listeners.delete(address);
    },
  };
}

/**
 * Connects to the in-memory listener at `address` and returns the client end. Nobody listening
 * there is a connection refused, reported as TCP reports it: the end is destroyed with an
 * ECONNREFUSED error on the next tick, so the caller sees it as any failed connect.
 */
export function dialInMemory(address: string): Duplex {
  const [client, server] = connectedPair();
  const accept = listeners.get(address);
  if (accept === undefined) {
    const refused = Object.assign(new Error(`connect ECONNREFUSED ${address}`), {
      code: 'ECONNREFUSED',
    });
    process.nextTick(() => client.destroy(refused));
  } else {
    accept(server);
  }
  return client;
}
