// Custom metadata: ASCII and -bin headers (grpc PROTOCOL-HTTP2.md "Requests", Custom-Metadata).
//
//   Header-Name  → 1*( %x30-39 / %x61-7A / "_" / "-" / "." )   ; 0-9 a-z _ - .
//   ASCII-Value  → 1*( %x20-%x7E )                              ; space and printable ASCII
//   Binary-Header → {Header-Name "-bin"} {base64 encoded value}
//
// One rule holds every Metadata together: whatever it contains could be passed to `set` again.
// Values received that break the rules are dropped (the spec lets a receiver "throw the value
// away"), so an application can always echo received metadata back without an error.

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { decodeBase64, encodeBase64 } from './base64.js';
import { isReservedHeader } from './headers.js';

/** A metadata value: text for ASCII keys, bytes for keys ending in `-bin`. */
export type MetadataValue = string | Buffer;

/**
 * The value type a key takes: Buffer for a literal `…-bin` key, string for another literal key,
 * and either when the key is only known as `string`.
 */
export type MetadataValueOf<Key extends string> = Key extends `${string}-bin`
  ? Buffer
  : string extends Key
    ? MetadataValue
    : string;

/** What `set` and `add` accept: bytes may be any Uint8Array. */
export type MetadataInputOf<Key extends string> = Key extends `${string}-bin`
  ? Uint8Array
  : string extends Key
    ? string | Uint8Array
    : string;

/** A -bin header value that is not base64; the receiver answers INTERNAL, as grpc-go does. */
export class MalformedMetadataError extends Error {
  override readonly name: string = 'MalformedMetadataError';
  constructor(readonly key: string) {
    super(`binary metadata ${JSON.stringify(key)} is not valid base64`);
  }
}

const KEY = /^[0-9a-z_.-]+$/;
const ASCII_VALUE = /^[\x20-\x7e]*$/;

/**
 * node:http2 throws if one of these is given more than one value (Node's kSingleValueHeaders,
 * lib/internal/http2/util.js); for them, several values are sent joined by ", ", which
 * PROTOCOL-HTTP2.md calls "semantically equivalent". The reserved names of that list are left out.
 */
const SINGLE_VALUE_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-credentials',
  'access-control-max-age',
  'access-control-request-method',
  'age',
  'authorization',
  'content-encoding',
  'content-language',
  'content-location',
  'content-md5',
  'content-range',
  'date',
  'dnt',
  'etag',
  'expires',
  'from',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'range',
  'referer',
  'retry-after',
  'tk',
  'upgrade-insecure-requests',
  'user-agent',
  'x-content-type-options',
]);

function isBinaryKey(key: string): boolean {
  return key.endsWith('-bin');
}

/** Lowercases and checks a key given by an application; throws a TypeError naming it. */
function checkKey(key: string): string {
  const lower = key.toLowerCase();
  if (!KEY.test(lower)) {
    throw new TypeError(
      `metadata key ${JSON.stringify(key)} is invalid: use only 0-9 a-z _ - . (upper case is lowered)`,
    );
  }
  if (isReservedHeader(lower)) {
    throw new TypeError(
      `metadata key ${JSON.stringify(key)} is reserved for the gRPC protocol or HTTP/2 and cannot be set as metadata`,
    );
  }
  return lower;
}

/** Checks a value against its (checked) key and returns it in the form stored. */
function checkValue(key: string, value: unknown): MetadataValue {
  if (isBinaryKey(key)) {
    if (!(value instanceof Uint8Array)) {
      throw new TypeError(
        `metadata key ${JSON.stringify(key)} ends in -bin: its value must be a Buffer or Uint8Array`,
      );
    }
    return Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof value !== 'string') {
    throw new TypeError(
      `metadata key ${JSON.stringify(key)} takes a string value; binary values need a key ending in -bin`,
    );
  }
  if (!ASCII_VALUE.test(value)) {
    throw new TypeError(
      `metadata value of ${JSON.stringify(key)} must be printable ASCII (0x20-0x7E); put other text in a -bin key as UTF-8 bytes`,
    );
  }
  return value;
}

/**
 * The custom metadata of a call: request headers, response headers, or trailers. Keys are
 * lowercase; each has one or more values, in the order received or added.
 */
export class Metadata implements Iterable<[string, MetadataValue]> {
  private readonly map = new Map<string, MetadataValue[]>();

  /** Builds metadata from [key, value] pairs, each checked as by `add`. */
  constructor(init?: Iterable<readonly [string, string | Uint8Array]>) {
    if (init !== undefined) for (const [key, value] of init) this.add(key, value);
  }

  /** The first value of a key, or undefined. */
  get<Key extends string>(key: Key): MetadataValueOf<Key> | undefined {
    return this.map.get(key.toLowerCase())?.[0] as MetadataValueOf<Key> | undefined;
  }

  /** Every value of a key (a copy), empty when it has none. */
  getAll<Key extends string>(key: Key): MetadataValueOf<Key>[] {
    const values = this.map.get(key.toLowerCase());
    return (values === undefined ? [] : values.slice()) as MetadataValueOf<Key>[];
  }

  /** Replaces the values of a key with one value. Throws a TypeError for a bad key or value. */
  set<Key extends string>(key: Key, value: MetadataInputOf<Key>): this {
    const lower = checkKey(key);
    this.map.set(lower, [checkValue(lower, value)]);
    return this;
  }

  /** Adds a value after those a key already has. Throws a TypeError for a bad key or value. */
  add<Key extends string>(key: Key, value: MetadataInputOf<Key>): this {
    const lower = checkKey(key);
    this.push(lower, checkValue(lower, value));
    return this;
  }

  /** Removes a key and its values; true if it was there. */
  delete(key: string): boolean {
    return this.map.delete(key.toLowerCase());
  }

  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  /** How many keys there are. */
  get size(): number {
    return this.map.size;
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** Every [key, value] pair, a key with several values once per value. */
  *[Symbol.iterator](): IterableIterator<[string, MetadataValue]> {
    for (const [key, values] of this.map) {
      for (const value of values) yield [key, value];
    }
  }

  /** A copy whose value lists are its own (Buffers are shared: metadata never writes into them). */
  clone(): Metadata {
    const copy = new Metadata();
    for (const [key, values] of this.map) copy.map.set(key, values.slice());
    return copy;
  }

  /** Adds every value of `other` after this one's; returns this. */
  merge(other: Metadata): this {
    for (const [key, values] of other.map) {
      for (const value of values) this.push(key, value);
    }
    return this;
  }

  /** Appends an already checked value. */
  private push(key: string, value: MetadataValue): void {
    const values = this.map.get(key);
    if (values === undefined) this.map.set(key, [value]);
    else values.push(value);
  }

  /**
   * Takes the custom metadata out of headers received by node:http2 (request headers, response
   * headers or trailers). Pseudo-headers and reserved headers are skipped; so are keys and ASCII
   * values that break the grammar (see the top of this file). node:http2 joins a repeated header
   * into one value with ", "; a -bin value is therefore split on "," and each piece decoded, as
   * the spec requires, while an ASCII value stays as received (a comma may belong to it).
   * Throws MalformedMetadataError for a -bin value that is not base64, padded or not.
   */
  static fromHttp2Headers(headers: IncomingHttpHeaders): Metadata {
    const metadata = new Metadata();
    for (const key of Object.keys(headers)) {
      const value = headers[key];
      if (value === undefined || isReservedHeader(key) || !KEY.test(key)) continue;
      if (typeof value === 'string') metadata.addReceived(key, value);
      else for (const one of value) metadata.addReceived(key, one);
    }
    return metadata;
  }

  /**
   * The first value of text key `key` (lower case, not -bin) that fromHttp2Headers would take out
   * of `headers`, found without taking out the rest: for code that reads one key of every call.
   */
  static firstTextFromHttp2Headers(headers: IncomingHttpHeaders, key: string): string | undefined {
    if (isBinaryKey(key) || isReservedHeader(key) || !KEY.test(key)) return undefined;
    const value = headers[key];
    if (typeof value === 'string') return ASCII_VALUE.test(value) ? value : undefined;
    return value?.find((one) => ASCII_VALUE.test(one));
  }

  /**
   * Like fromHttp2Headers, from node:http2's raw header list (`[name, value, name, value, …]`,
   * the `rawHeaders` argument of a 'stream' event), where repeated headers stay apart: an ASCII
   * value that contains a comma is then never confused with two values.
   */
  static fromRawHeaders(rawHeaders: readonly string[]): Metadata {
    const metadata = new Metadata();
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const key = rawHeaders[i]!.toLowerCase();
      if (isReservedHeader(key) || !KEY.test(key)) continue;
      metadata.addReceived(key, rawHeaders[i + 1]!);
    }
    return metadata;
  }

  /** Adds one received header value under a key already known to be valid and not reserved. */
  private addReceived(key: string, value: string): void {
    if (!isBinaryKey(key)) {
      if (ASCII_VALUE.test(value)) this.push(key, value);
      return;
    }
    for (const piece of value.split(',')) {
      const decoded = decodeBase64(piece.trim());
      if (decoded === null) throw new MalformedMetadataError(key);
      this.push(key, decoded);
    }
  }

  /**
   * Writes the metadata as node:http2 headers into `target` (a new object by default), for
   * `stream.respond`, `stream.sendTrailers` or `session.request`. A -bin value is sent as
   * unpadded base64 ("should emit un-padded values"; grpc-go does). A key with several values
   * becomes an array, one header field each; except for the few names node:http2 allows only
   * once (authorization, user-agent, …), whose values are joined with ", ".
   */
  toHttp2Headers(target: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
    for (const [key, values] of this.map) {
      const texts = isBinaryKey(key)
        ? values.map((value) => encodeBase64(value as Buffer))
        : (values as string[]);
      if (texts.length === 1) target[key] = texts[0];
      else if (SINGLE_VALUE_HEADERS.has(key)) target[key] = texts.join(', ');
      else target[key] = texts.slice();
    }
    return target;
  }
}
