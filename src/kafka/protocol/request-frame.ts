// A whole request or response frame body: header then message (kafka.apache.org/protocol "Common
// Request and Response Structure"), typed by API key. What a broker calls per frame, and what a
// client calls to build requests and read responses.

import type { KafkaApi } from './api-definition.js';
import {
  type ImplementedApiKey,
  type KafkaMessages,
  type KafkaRequestInput,
  kafkaApi,
} from './apis/index.js';
import { ErrorCode } from './error-codes.js';
import { KafkaProtocolError } from './errors.js';
import { encodeFrame } from './framing.js';
import { KafkaReader } from './reader.js';
import {
  decodeRequestHeader,
  encodeRequestHeader,
  type RequestHeader,
  requestHeaderVersion,
} from './request-header.js';
import {
  decodeResponseHeader,
  encodeResponseHeader,
  responseHeaderVersion,
} from './response-header.js';
import { KafkaWriter } from './writer.js';

/** A decoded request, discriminated by `apiKey`. */
export type KafkaRequestFrame = {
  [K in ImplementedApiKey]: { apiKey: K; header: RequestHeader; body: KafkaMessages[K]['request'] };
}[ImplementedApiKey];

/**
 * Reads a request frame's header. The reader it returns is positioned at the body. Works for any
 * API key and version, so a broker can still answer an unsupported ApiVersions request.
 */
export function readRequestHeader(frame: Buffer): { header: RequestHeader; reader: KafkaReader } {
  const reader = new KafkaReader(frame);
  if (frame.length < 4) {
    throw new KafkaProtocolError(`request frame of ${frame.length} bytes has no header`, 0);
  }
  const version = requestHeaderVersion(frame.readInt16BE(0), frame.readInt16BE(2));
  return { header: decodeRequestHeader(reader, version), reader };
}

function implementedApi(apiKey: number, apiVersion: number): KafkaApi<unknown, unknown> {
  const api = kafkaApi(apiKey);
  if (api === undefined) {
    throw new KafkaProtocolError(
      `API key ${apiKey} is not implemented`,
      -1,
      ErrorCode.INVALID_REQUEST,
    );
  }
  if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    throw new KafkaProtocolError(
      `${api.name} version ${apiVersion} is not supported (${api.minVersion}-${api.maxVersion})`,
      -1,
      ErrorCode.UNSUPPORTED_VERSION,
    );
  }
  return api;
}

/**
 * Decodes a request frame (without its size prefix). An unknown key is INVALID_REQUEST and a
 * version outside the codec's range UNSUPPORTED_VERSION, both as KafkaProtocolError; call
 * readRequestHeader first to answer those (ApiVersions) before giving up on the connection.
 */
export function decodeRequestFrame(frame: Buffer): KafkaRequestFrame {
  const { header, reader } = readRequestHeader(frame);
  const api = implementedApi(header.requestApiKey, header.requestApiVersion);
  const body = api.request.decode(reader, header.requestApiVersion);
  return { apiKey: header.requestApiKey, header, body } as KafkaRequestFrame;
}

/** A request as chunks of one size-prefixed frame. */
export function encodeRequestFrame<K extends ImplementedApiKey>(
  header: RequestHeader & { requestApiKey: K },
  body: KafkaRequestInput<K>,
): Buffer[] {
  const api = implementedApi(header.requestApiKey, header.requestApiVersion);
  const w = new KafkaWriter();
  const version = requestHeaderVersion(header.requestApiKey, header.requestApiVersion);
  encodeRequestHeader(w, version, header);
  api.request.encode(w, header.requestApiVersion, body);
  return encodeFrame(w.chunks());
}

/** A response as chunks of one size-prefixed frame, with the header version its API needs. */
export function encodeResponseFrame<K extends ImplementedApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: KafkaMessages[K]['response'],
): Buffer[] {
  const api = implementedApi(apiKey, apiVersion);
  const w = new KafkaWriter();
  encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId });
  api.response.encode(w, apiVersion, body);
  return encodeFrame(w.chunks());
}

/** Decodes a response frame (without its size prefix) to the request it answers. */
export function decodeResponseFrame<K extends ImplementedApiKey>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
): { correlationId: number; body: KafkaMessages[K]['response'] } {
  const api = implementedApi(apiKey, apiVersion);
  const reader = new KafkaReader(frame);
  const { correlationId } = decodeResponseHeader(reader, responseHeaderVersion(apiKey, apiVersion));
  const body = api.response.decode(reader, apiVersion) as KafkaMessages[K]['response'];
  return { correlationId, body };
}
