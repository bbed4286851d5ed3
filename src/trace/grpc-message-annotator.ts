// Explains the gRPC messages inside one direction of one stream (PROTOCOL-HTTP2.md
// "Length-Prefixed-Message"): the compressed flag, the 4-byte big-endian length, then the message
// itself field by field. A message may span DATA frames: bytes are held until it is whole.

import { gunzipSync, inflateSync } from 'node:zlib';
import type protobuf from 'protobufjs';
import { annotateMessage, type TypeLookup } from './protobuf-annotator.js';
import { line, type TraceLine } from './trace-line.js';

const PREFIX_LENGTH = 5;

export class GrpcMessageAnnotator {
  private held: Buffer = Buffer.alloc(0);

  /**
   * `type`: the message type this direction carries (undefined: fields by number only);
   * `encoding`: the stream's grpc-encoding, for messages whose compressed flag is 1.
   */
  constructor(
    private readonly type: protobuf.Type | undefined,
    private readonly lookup?: TypeLookup,
    public encoding = 'identity',
  ) {}

  /** The data of one DATA frame: a line per field of each message it completes. */
  push(data: Buffer): TraceLine[] {
    const carried = this.held.length;
    this.held = carried === 0 ? data : Buffer.concat([this.held, data]);
    const lines: TraceLine[] = [];
    if (carried > 0 && this.held.length >= PREFIX_LENGTH)
      lines.push(
        line(new Uint8Array(), `(${carried} bytes of this message came in earlier DATA frames)`),
      );
    while (this.held.length >= PREFIX_LENGTH) {
      const length = this.held.readUInt32BE(1);
      if (this.held.length < PREFIX_LENGTH + length) break;
      lines.push(...this.annotate(this.held.subarray(0, PREFIX_LENGTH + length)));
      this.held = this.held.subarray(PREFIX_LENGTH + length);
    }
    if (this.held.length > 0)
      lines.push(
        line(
          new Uint8Array(),
          `${this.held.length} bytes of a message that goes on in the next DATA frame`,
        ),
      );
    return lines;
  }

  private annotate(framed: Buffer): TraceLine[] {
    const compressed = framed[0]!;
    const body = framed.subarray(PREFIX_LENGTH);
    const lines = [
      line(
        framed.subarray(0, 1),
        `compressed flag ${compressed}${compressed === 0 ? ' (not compressed)' : ` (${this.encoding})`}`,
      ),
      line(
        framed.subarray(1, PREFIX_LENGTH),
        `message length ${body.length} (4 bytes, big-endian)`,
      ),
    ];
    const name =
      this.type === undefined
        ? 'a message of a type not in the schema'
        : `a ${this.type.fullName.slice(1)}`;
    if (body.length === 0)
      return [...lines, line(body, `${name} with every field at its default: no bytes`)];
    if (compressed !== 0) {
      const plain = decompress(body, this.encoding);
      if (plain === undefined)
        return [...lines, line(body, `${body.length} bytes compressed with ${this.encoding}`)];
      lines.push(
        line(
          body,
          `${body.length} bytes of ${this.encoding}; decompressed, ${plain.length} bytes of ${name}:`,
        ),
      );
      return [...lines, ...annotateMessage(plain, this.type, 1, this.lookup)];
    }
    lines.push(line(new Uint8Array(), `${name}:`));
    return [...lines, ...annotateMessage(body, this.type, 1, this.lookup)];
  }
}

function decompress(body: Buffer, encoding: string): Buffer | undefined {
  try {
    if (encoding === 'gzip') return gunzipSync(body);
    if (encoding === 'deflate') return inflateSync(body);
  } catch {
    return undefined;
  }
  return undefined;
}
