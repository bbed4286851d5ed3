// A minimal Kafka client for broker tests, made of the protocol layer's request encoders and
// response decoders over one socket: requests may be pipelined; responses are matched in order.

import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  decodeResponseFrame,
  encodeRequestFrame,
  FrameDecoder,
  type ImplementedApiKey,
  type KafkaMessages,
  type KafkaRequestInput,
} from '../../../src/kafka/protocol/index.js';

interface Pending {
  apiKey: ImplementedApiKey;
  version: number;
  correlationId: number;
  resolve: (body: unknown) => void;
  reject: (error: Error) => void;
}

export class KafkaTestClient {
  private readonly decoder = new FrameDecoder();
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  /** Resolves when the broker (or the test) closes the socket. */
  readonly ended: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.settle(frame);
    });
    this.ended = new Promise((resolve) => {
      socket.on('close', () => {
        for (const p of this.pending.splice(0)) p.reject(new Error('connection closed'));
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<KafkaTestClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new KafkaTestClient(socket);
  }

  /** Sends a request; resolves with its decoded response body. */
  request<K extends ImplementedApiKey>(
    apiKey: K,
    version: number,
    body: KafkaRequestInput<K>,
    clientId = 'test-client',
  ): Promise<KafkaMessages[K]['response']> {
    const correlationId = this.nextCorrelationId++;
    const header = { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId };
    const promise = new Promise<KafkaMessages[K]['response']>((resolve, reject) => {
      this.pending.push({
        apiKey,
        version,
        correlationId,
        resolve: resolve as (b: unknown) => void,
        reject,
      });
    });
    for (const chunk of encodeRequestFrame(header, body)) this.socket.write(chunk);
    return promise;
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  send<K extends ImplementedApiKey>(apiKey: K, version: number, body: KafkaRequestInput<K>): void {
    const header = {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId: this.nextCorrelationId++,
      clientId: 'test-client',
    };
    for (const chunk of encodeRequestFrame(header, body)) this.socket.write(chunk);
  }

  close(): void {
    this.socket.destroy();
  }

  private settle(frame: Buffer): void {
    const next = this.pending.shift();
    if (next === undefined) throw new Error('a response nobody asked for');
    const { correlationId, body } = decodeResponseFrame(next.apiKey, next.version, frame);
    if (correlationId !== next.correlationId) {
      next.reject(
        new Error(`response ${correlationId} arrived where ${next.correlationId} was due`),
      );
    } else {
      next.resolve(body);
    }
  }
}
