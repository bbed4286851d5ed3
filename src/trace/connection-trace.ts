// Traces one HTTP/2 connection from both directions' bytes: each direction cut into frames with
// its own HPACK decoder (RFC 7541 §2.2: a decoder's table follows only what its peer encoded),
// header blocks gathered across CONTINUATION frames (RFC 9113 §6.10), and each stream's gRPC
// messages explained with the types its :path names.

import { frameTitle, headerLine, payloadLines } from './frame-annotator.js';
import { FrameSplitter } from './frame-splitter.js';
import { GrpcMessageAnnotator } from './grpc-message-annotator.js';
import { annotateHeaderBlock } from './header-annotator.js';
import { type DecodedField, HpackDecoder } from './hpack-decoder.js';
import { type Frame, parseFrame } from './http2-frames.js';
import type { ProtoSchema } from './proto-schema.js';
import { line, type TraceLine } from './trace-line.js';

/** Who sent the bytes. */
export type Side = 'client' | 'server';

/** One traced piece: a frame (or the client preface, or an error), its title and its lines. */
export interface TracedFrame {
  readonly from: Side;
  readonly title: string;
  readonly lines: readonly TraceLine[];
  readonly frame?: Frame;
  /** For HEADERS: the fields decoded, in order (what a caller would see). */
  readonly headers?: readonly DecodedField[];
}

/** One direction's state: its frames, its HPACK table, the header block it is gathering. */
interface Direction {
  readonly splitter: FrameSplitter;
  readonly hpack: HpackDecoder;
  block?: { first: Frame; fragments: Buffer[] };
  /** Set after a parse error: the bytes still flow, the tracer stops explaining them. */
  broken: boolean;
}

/** A stream's gRPC messages, each direction with its own annotator. */
interface StreamMessages {
  client?: GrpcMessageAnnotator;
  server?: GrpcMessageAnnotator;
  path?: string;
}

export class ConnectionTrace {
  private readonly directions: Record<Side, Direction> = {
    client: { splitter: new FrameSplitter(true), hpack: new HpackDecoder(), broken: false },
    server: { splitter: new FrameSplitter(false), hpack: new HpackDecoder(), broken: false },
  };
  private readonly streams = new Map<number, StreamMessages>();

  constructor(
    private readonly emit: (traced: TracedFrame) => void,
    private readonly schema?: ProtoSchema,
  ) {}

  /** Bytes `from` one side, as they went by; emits every frame they complete. */
  push(from: Side, chunk: Buffer): void {
    const direction = this.directions[from];
    if (direction.broken) return;
    try {
      for (const piece of direction.splitter.push(chunk)) {
        if (piece.kind === 'preface')
          this.emit({
            from,
            title: 'connection preface',
            lines: [
              line(
                piece.bytes,
                'PRI * HTTP/2.0␍␊␍␊SM␍␊␍␊: the client speaks HTTP/2 (RFC 9113 §3.4)',
              ),
            ],
          });
        else this.frame(from, parseFrame(piece.bytes));
      }
    } catch (error) {
      direction.broken = true;
      const sentence = `the ${from}'s bytes stop making sense as HTTP/2 here: ${(error as Error).message}; the rest of this direction is passed on untraced`;
      this.emit({ from, title: 'not HTTP/2', lines: [line(new Uint8Array(), sentence)] });
    }
  }

  private frame(from: Side, frame: Frame): void {
    const lines = [headerLine(frame)];
    if (
      frame.typeName === 'HEADERS' ||
      frame.typeName === 'PUSH_PROMISE' ||
      frame.typeName === 'CONTINUATION'
    ) {
      const decoded = this.headerBlock(from, frame, lines);
      this.emit({
        from,
        title: frameTitle(frame),
        lines,
        frame,
        ...(decoded && { headers: decoded }),
      });
      return;
    }
    if (frame.typeName === 'DATA') lines.push(...this.data(from, frame));
    else lines.push(...payloadLines(frame));
    if (frame.typeName === 'RST_STREAM') this.streams.delete(frame.streamId);
    this.emit({ from, title: frameTitle(frame), lines, frame });
  }

  /** Gathers fragments until END_HEADERS, then decodes the block with this side's table. */
  private headerBlock(from: Side, frame: Frame, lines: TraceLine[]): DecodedField[] | undefined {
    const direction = this.directions[from];
    if (frame.typeName !== 'CONTINUATION') direction.block = { first: frame, fragments: [] };
    if (direction.block === undefined)
      throw new Error('a CONTINUATION frame with no HEADERS before it (RFC 9113 §6.10)');
    direction.block.fragments.push(frame.content!);
    if (!frame.flagNames.includes('END_HEADERS')) {
      lines.push(
        line(frame.content!, 'a header block fragment: the block goes on in a CONTINUATION frame'),
      );
      return undefined;
    }
    const first = direction.block.first;
    const block = Buffer.concat(direction.block.fragments);
    direction.block = undefined;
    const decoded = direction.hpack.decode(block);
    if (first.padLength !== undefined)
      lines.push(line(first.payload.subarray(0, 1), `pad length ${first.padLength}`));
    lines.push(...annotateHeaderBlock(decoded, (name) => this.schema?.type(name)));
    this.noteStream(from, first.streamId, decoded);
    return decoded;
  }

  /** Learns what a stream carries from its headers: the method's types, each side's encoding. */
  private noteStream(from: Side, streamId: number, fields: readonly DecodedField[]): void {
    const stream = this.streams.get(streamId) ?? {};
    this.streams.set(streamId, stream);
    const value = (name: string) => fields.find((f) => f.field?.name === name)?.field?.value;
    const path = value(':path');
    if (path !== undefined) stream.path = path;
    const types = stream.path === undefined ? undefined : this.schema?.methodTypes(stream.path);
    const lookup = (name: string) => this.schema?.type(name);
    const encoding = value('grpc-encoding');
    if (stream[from] === undefined) {
      const type = from === 'client' ? types?.request : types?.response;
      stream[from] = new GrpcMessageAnnotator(type, lookup);
    }
    if (encoding !== undefined) stream[from]!.encoding = encoding;
  }

  private data(from: Side, frame: Frame): TraceLine[] {
    const lines: TraceLine[] = [];
    if (frame.padLength !== undefined)
      lines.push(line(frame.payload.subarray(0, 1), `pad length ${frame.padLength}`));
    const annotator = this.streams.get(frame.streamId)?.[from];
    if (annotator === undefined)
      return [
        ...lines,
        line(
          frame.content!,
          `${frame.content!.length} bytes on a stream whose headers were not seen`,
        ),
      ];
    try {
      lines.push(...annotator.push(frame.content!));
    } catch (error) {
      lines.push(
        line(
          frame.content!,
          `not a gRPC message this tracer can read: ${(error as Error).message}`,
        ),
      );
    }
    return lines;
  }
}
