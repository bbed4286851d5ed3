// The lines of a frame that need no state: its 9-byte header (RFC 9113 §4.1), and the fields of
// SETTINGS, WINDOW_UPDATE, PING, RST_STREAM, GOAWAY and PRIORITY (§6). HEADERS and DATA need the
// connection's HPACK tables and streams, so connection-trace.ts explains their payloads.

import { errorName, FRAME_HEADER_LENGTH, type Frame } from './http2-frames.js';
import { line, type TraceLine } from './trace-line.js';

/** The frame's one-line title: type, stream, flags and length. */
export function frameTitle(frame: Frame): string {
  const flags = frame.flagNames.length === 0 ? '' : ` [${frame.flagNames.join(' ')}]`;
  return `${frame.typeName} stream ${frame.streamId}${flags}, ${frame.payload.length} bytes of payload`;
}

/** The 9-byte header as one line. */
export function headerLine(frame: Frame): TraceLine {
  const flags =
    frame.flags === 0 ? 'no flags' : `flags 0x${hex2(frame.flags)} ${frame.flagNames.join(' ')}`;
  return line(
    frame.header.subarray(0, FRAME_HEADER_LENGTH),
    `frame header: length ${frame.payload.length}, type 0x${hex2(frame.type)} ${frame.typeName}, ${flags}, stream ${frame.streamId}`,
  );
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** The payload lines of the frames explained without state (empty for HEADERS, DATA…). */
export function payloadLines(frame: Frame): TraceLine[] {
  const p = frame.payload;
  switch (frame.typeName) {
    case 'SETTINGS':
      if (p.length === 0)
        return [
          line(
            p,
            frame.flagNames.includes('ACK')
              ? 'no settings: this acknowledges the peer’s'
              : 'no settings: every default stands',
          ),
        ];
      return frame.settings!.map((s, i) =>
        line(p.subarray(i * 6, i * 6 + 6), `${s.name} (0x${s.id.toString(16)}) = ${s.value}`),
      );
    case 'WINDOW_UPDATE':
      return [
        line(
          p,
          `window size increment ${frame.windowIncrement} (${frame.streamId === 0 ? 'the whole connection' : 'this stream'})`,
        ),
      ];
    case 'PING':
      return [
        line(
          p,
          `8 opaque bytes${frame.flagNames.includes('ACK') ? ', echoed back' : ' the peer must echo in a PING with ACK'}`,
        ),
      ];
    case 'RST_STREAM':
      return [line(p, `error code ${frame.errorCode} ${errorName(frame.errorCode!)}`)];
    case 'GOAWAY':
      return goawayLines(frame);
    case 'PRIORITY':
      return [line(p, priorityText(frame.priority!))];
    default:
      return [];
  }
}

function goawayLines(frame: Frame): TraceLine[] {
  const p = frame.payload;
  const lines = [
    line(
      p.subarray(0, 4),
      `last stream id ${frame.lastStreamId}: streams above it were not processed`,
    ),
    line(p.subarray(4, 8), `error code ${frame.errorCode} ${errorName(frame.errorCode!)}`),
  ];
  if (frame.debugData!.length > 0)
    lines.push(
      line(frame.debugData!, `debug data: ${JSON.stringify(frame.debugData!.toString('latin1'))}`),
    );
  return lines;
}

function priorityText(priority: NonNullable<Frame['priority']>): string {
  const exclusive = priority.exclusive ? 'exclusive, ' : '';
  return `priority (deprecated, RFC 9113 §5.3.2): ${exclusive}depends on stream ${priority.dependency}, weight ${priority.weight}`;
}
