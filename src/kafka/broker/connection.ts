// One client connection (Kafka's SocketServer Processor with its channel muting): size-prefixed
// frames cut from the byte stream, requests handled one at a time and answered strictly in request
// order (librdkafka pipelines and relies on it), reading paused while requests pile up or the
// socket's write buffer is full. A malformed frame, an unknown API key or an unsupported version
// closes this connection only, with one log line, as Kafka does.

import type { Socket } from 'node:net';
import {
  ApiKey,
  apiKeyName,
  decodeRequestFrame,
  encodeResponseFrame,
  FrameDecoder,
  readRequestHeader,
} from '../protocol/index.js';
import { type BrokerContext, CLOSE_CONNECTION, type RequestSource } from './broker-context.js';
import {
  advertisedMaxVersion,
  apiVersionsResponse,
  MAX_API_VERSIONS_VERSION,
} from './request-handlers/api-versions.js';
import { handleRequest } from './request-handlers/index.js';

/** Requests read ahead of the one being handled before the socket stops being read. */
const MAX_QUEUED_REQUESTS = 64;

export class BrokerConnection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private processing = false;
  private closed = false;
  private readonly peer: string;
  private readonly closedSignal = new AbortController();

  constructor(
    private readonly socket: Socket,
    private readonly context: BrokerContext,
    private readonly maxRequestBytes: number,
    private readonly onClose: (connection: BrokerConnection) => void,
  ) {
    this.decoder = new FrameDecoder(maxRequestBytes);
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
      this.closedSignal.abort();
      this.onClose(this);
    });
  }

  /** Ends the connection at once (broker shutdown). */
  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.fail(`bad frame: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
    if (this.queue.length >= MAX_QUEUED_REQUESTS || this.queuedBytes > this.maxRequestBytes) {
      this.socket.pause();
    }
    if (!this.processing) void this.processQueue();
  }

  /** Handles queued requests one by one, each answered before the next is looked at. */
  private async processQueue(): Promise<void> {
    this.processing = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        this.queuedBytes -= frame.length;
        const response = await this.respondTo(frame);
        if (response === null) return;
        if (response !== undefined) await this.write(response);
        if (
          this.queue.length < MAX_QUEUED_REQUESTS / 2 &&
          this.queuedBytes <= this.maxRequestBytes
        ) {
          this.socket.resume();
        }
      }
    } finally {
      this.processing = false;
    }
  }

  /** The response frame, undefined for none (acks=0), null when the connection was closed. */
  private async respondTo(frame: Buffer): Promise<Buffer[] | undefined | null> {
    let apiKey = -1;
    try {
      const { header } = readRequestHeader(frame);
      apiKey = header.requestApiKey;
      const version = header.requestApiVersion;
      const maxVersion = advertisedMaxVersion(apiKey);
      if (apiKey === ApiKey.ApiVersions && version > MAX_API_VERSIONS_VERSION) {
        // KIP-511: answer in v0's format so that the client can read the versions and retry.
        return encodeResponseFrame(18, 0, header.correlationId, apiVersionsResponse(false));
      }
      if (maxVersion === undefined) return this.fail(`unknown API key ${apiKey}`);
      if (version < 0 || version > maxVersion) {
        return this.fail(
          `${apiKeyName(apiKey)} version ${version} is not supported (0-${maxVersion})`,
        );
      }
      const request = decodeRequestFrame(frame);
      const source: RequestSource = {
        clientId: header.clientId ?? '',
        clientHost: `/${this.socket.remoteAddress ?? ''}`,
        connectionClosed: this.closedSignal.signal,
      };
      const response = await handleRequest(this.context, request, source);
      if (response === CLOSE_CONNECTION) {
        return this.fail(
          `a ${apiKeyName(apiKey)} request with acks=0 failed; closing tells the producer`,
        );
      }
      return response;
    } catch (error) {
      const what = apiKey >= 0 ? `${apiKeyName(apiKey)} request` : 'request';
      return this.fail(`malformed ${what}: ${(error as Error).message}`);
    }
  }

  /** Writes a response; waits for 'drain' when the socket's buffer is full (backpressure). */
  private async write(chunks: Buffer[]): Promise<void> {
    if (this.closed) return;
    this.socket.cork();
    let flushed = true;
    for (const chunk of chunks) flushed = this.socket.write(chunk);
    this.socket.uncork();
    if (!flushed && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off('drain', done);
          this.socket.off('close', done);
          resolve();
        };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
  }

  private fail(reason: string): null {
    if (!this.closed)
      this.context.log(`kafka: closing the connection from ${this.peer}: ${reason}`);
    this.closed = true;
    this.socket.destroy();
    return null;
  }
}
