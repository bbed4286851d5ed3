// A recording TCP proxy between Kafka clients and a broker: forwards bytes unchanged both ways and,
// from the 4-byte size prefix every Kafka message starts with (kafka.apache.org/protocol,
// "Common Request and Response Structure"), cuts each connection's streams into whole requests and
// responses, paired by correlation id. Used to capture what real clients send as fixtures.

import net from 'node:net';

export interface Exchange {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The request as sent, without its size prefix. */
  request: Buffer;
  /** The broker's response, without its size prefix (undefined: none came, e.g. acks=0). */
  response?: Buffer;
}

export interface KafkaRecorder {
  readonly address: string;
  /** The exchanges recorded since the last call, in the order requests were sent. */
  take(): Exchange[];
  close(): Promise<void>;
}

/** Splits a byte stream into size-prefixed frames. */
class FrameSplitter {
  private buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (frame: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      this.onFrame(this.buffer.subarray(4, 4 + size));
      this.buffer = this.buffer.subarray(4 + size);
    }
  }
}

export async function startKafkaRecorder(
  port: number,
  upstreamPort: number,
): Promise<KafkaRecorder> {
  let exchanges: Exchange[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const pending = new Map<number, Exchange>();
    const requests = new FrameSplitter((frame) => {
      const exchange: Exchange = {
        apiKey: frame.readInt16BE(0),
        apiVersion: frame.readInt16BE(2),
        correlationId: frame.readInt32BE(4),
        request: Buffer.from(frame),
      };
      pending.set(exchange.correlationId, exchange);
      exchanges.push(exchange);
    });
    const responses = new FrameSplitter((frame) => {
      const exchange = pending.get(frame.readInt32BE(0));
      if (exchange !== undefined) {
        exchange.response = Buffer.from(frame);
        pending.delete(exchange.correlationId);
      }
    });
    client.on('data', (chunk: Buffer) => {
      requests.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      responses.push(chunk);
      client.write(chunk);
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${bound}`,
    take: () => {
      const taken = exchanges;
      exchanges = [];
      return taken;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
