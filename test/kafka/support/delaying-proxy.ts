// A TCP proxy between Kafka clients and one broker that holds back chosen responses, for tests of
// what clients do when an answer is late (a request timeout, then a retry). It cuts both byte
// streams into size-prefixed frames (kafka.apache.org/protocol, "Common Request and Response
// Structure"), pairs responses to requests by correlation id, and:
// - rewrites the broker's own address in Metadata and FindCoordinator responses to the proxy's, so
//   that clients, which connect to the brokers a Metadata response names, stay behind the proxy.
//   Host and port are written as the host's bytes followed by an int32 port in every version
//   (classic or compact string), and the host stays the same, so only the port's 4 bytes change;
// - passes each response to `hold.response(exchange)`: a number of milliseconds to delay that one
//   response (later responses on the connection are not held up), or 0 to forward it at once;
// - passes each request to `hold.request(exchange)`: milliseconds to delay it on its way to the
//   broker. Later requests of the connection wait behind it (TCP keeps their order), and a
//   client that closes meanwhile does not take them back: they still reach the broker, as bytes
//   a slow network delivers after the sender gave up, and the broker side closes once answered.
// Everything is loopback only; close() drops every connection and held message.

import net from 'node:net';

export interface ProxiedExchange {
  /** Which connection through the proxy (1, 2, …, in the order clients connected). */
  connection: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The request as sent, without its size prefix. */
  request: Buffer;
  /** When the request reached the broker (ms, performance.now). */
  sentAt?: number;
  /** The broker's response, without its size prefix (as the broker sent it: before rewriting). */
  response?: Buffer;
  /** When the response came from the broker, and when the proxy forwarded it. */
  respondedAt?: number;
  forwardedAt?: number;
}

export interface DelayingProxy {
  readonly address: string;
  /** Every request seen so far, in the order sent. */
  readonly exchanges: readonly ProxiedExchange[];
  /** Resolves once every held message has been forwarded (a response may be dropped with its
   * connection) and every request sent on was answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const METADATA = 3;
const FIND_COORDINATOR = 10;

class FrameSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (frame: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      this.onFrame(this.buffer.subarray(4, 4 + size));
      this.buffer = this.buffer.subarray(4 + size);
    }
  }
}

function endpoint(host: string, port: number): Buffer {
  const bytes = Buffer.alloc(host.length + 4);
  bytes.write(host, 'latin1');
  bytes.writeInt32BE(port, host.length);
  return bytes;
}

/** `frame` with every occurrence of `from` replaced by `to` (same length). */
function replaceAll(frame: Buffer, from: Buffer, to: Buffer): Buffer {
  const out = Buffer.from(frame);
  for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + from.length)) {
    to.copy(out, at);
  }
  return out;
}

function framed(frame: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
}

/** Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` ("127.0.0.1:PORT"). */
export async function startDelayingProxy(
  upstream: string,
  hold: {
    request?: (exchange: ProxiedExchange) => number;
    response?: (exchange: ProxiedExchange) => number;
  },
): Promise<DelayingProxy> {
  const [upstreamHost, upstreamPortText] = upstream.split(':') as [string, string];
  const upstreamPort = Number(upstreamPortText);
  const exchanges: ProxiedExchange[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  /** Requests held or not yet answered, over all connections. */
  let unanswered = 0;
  let connections = 0;
  let ownEndpoint: Buffer | undefined;
  const brokerEndpoint = endpoint(upstreamHost, upstreamPort);

  const server = net.createServer((client) => {
    const connection = ++connections;
    const broker = net.connect(upstreamPort, upstreamHost);
    sockets.add(client).add(broker);
    const pending = new Map<number, ProxiedExchange>();
    let queue = Promise.resolve();
    let clientGone = false;
    const dropBrokerWhenDone = () => {
      if (clientGone && pending.size === 0) drop();
    };
    const requests = new FrameSplitter((frame) => {
      const exchange: ProxiedExchange = {
        connection,
        apiKey: frame.readInt16BE(0),
        apiVersion: frame.readInt16BE(2),
        correlationId: frame.readInt32BE(4),
        request: Buffer.from(frame),
      };
      pending.set(exchange.correlationId, exchange);
      exchanges.push(exchange);
      unanswered++;
      const delay = hold.request?.(exchange) ?? 0;
      const bytes = framed(Buffer.from(frame));
      queue = queue.then(async () => {
        if (delay > 0) await sleep(delay);
        exchange.sentAt = performance.now();
        if (!broker.destroyed) broker.write(bytes);
      });
    });
    const responses = new FrameSplitter((frame) => {
      const exchange = pending.get(frame.readInt32BE(0));
      if (pending.delete(frame.readInt32BE(0))) unanswered--;
      let out = frame;
      if (
        exchange !== undefined &&
        (exchange.apiKey === METADATA || exchange.apiKey === FIND_COORDINATOR)
      ) {
        out = replaceAll(frame, brokerEndpoint, ownEndpoint!);
      }
      const forward = () => {
        if (exchange !== undefined) exchange.forwardedAt = performance.now();
        if (!client.destroyed) client.write(framed(out));
      };
      if (exchange !== undefined) {
        exchange.respondedAt = performance.now();
        exchange.response = Buffer.from(frame);
      }
      const delay = exchange === undefined ? 0 : (hold.response?.(exchange) ?? 0);
      if (delay <= 0) forward();
      else void sleep(delay).then(forward);
      dropBrokerWhenDone();
    });
    client.on('data', (chunk: Buffer) => requests.push(chunk));
    broker.on('data', (chunk: Buffer) => responses.push(chunk));
    const drop = () => {
      client.destroy();
      broker.destroy();
      sockets.delete(client);
      sockets.delete(broker);
      unanswered -= pending.size;
      pending.clear();
    };
    // A client that goes away leaves its requests on their way: the broker side closes once they
    // have all been sent and answered (or with the broker, or on close()).
    const clientClosed = () => {
      clientGone = true;
      client.destroy();
      void queue.then(dropBrokerWhenDone);
    };
    client.on('error', clientClosed).on('close', clientClosed);
    broker.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  ownEndpoint = endpoint(upstreamHost, port);
  return {
    address: `${upstreamHost}:${port}`,
    exchanges,
    settled: async () => {
      const deadline = performance.now() + 20_000;
      while (timers.size > 0 || unanswered > 0) {
        if (performance.now() > deadline) {
          throw new Error(`${timers.size} held, ${unanswered} unanswered after 20 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
