// HTTP/2 frames as a tracer sees them (RFC 9113 §4.1 frame layout, §6 the frame types and their
// flags, §7 error codes, §6.5.2 settings): one function that turns a frame's bytes into its
// fields, with the names the RFC gives them.

/** §4.1: length (24 bits), type, flags, reserved bit + stream identifier (31 bits). */
export const FRAME_HEADER_LENGTH = 9;

/** §3.4: what a client sends first, before its SETTINGS frame. */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** §6: frame type codes and, per type, the flags it defines. */
export const FRAME_TYPES: Readonly<
  Record<number, { name: string; flags: Record<number, string> }>
> = {
  0: { name: 'DATA', flags: { 1: 'END_STREAM', 8: 'PADDED' } },
  1: {
    name: 'HEADERS',
    flags: { 1: 'END_STREAM', 4: 'END_HEADERS', 8: 'PADDED', 32: 'PRIORITY' },
  },
  2: { name: 'PRIORITY', flags: {} },
  3: { name: 'RST_STREAM', flags: {} },
  4: { name: 'SETTINGS', flags: { 1: 'ACK' } },
  5: { name: 'PUSH_PROMISE', flags: { 4: 'END_HEADERS', 8: 'PADDED' } },
  6: { name: 'PING', flags: { 1: 'ACK' } },
  7: { name: 'GOAWAY', flags: {} },
  8: { name: 'WINDOW_UPDATE', flags: {} },
  9: { name: 'CONTINUATION', flags: { 4: 'END_HEADERS' } },
};

/** §7: error codes of RST_STREAM and GOAWAY. */
export const ERROR_CODES: readonly string[] = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

/** §6.5.2 settings, plus RFC 8441's extended CONNECT that Node also announces. */
export const SETTINGS_NAMES: Readonly<Record<number, string>> = {
  1: 'SETTINGS_HEADER_TABLE_SIZE',
  2: 'SETTINGS_ENABLE_PUSH',
  3: 'SETTINGS_MAX_CONCURRENT_STREAMS',
  4: 'SETTINGS_INITIAL_WINDOW_SIZE',
  5: 'SETTINGS_MAX_FRAME_SIZE',
  6: 'SETTINGS_MAX_HEADER_LIST_SIZE',
  8: 'SETTINGS_ENABLE_CONNECT_PROTOCOL',
};

export const errorName = (code: number): string =>
  ERROR_CODES[code] ?? `unknown error code 0x${code.toString(16)}`;

export interface Setting {
  readonly id: number;
  readonly name: string;
  readonly value: number;
}

/** One frame with its fields decoded; `payload` is everything after the 9-byte header. */
export interface Frame {
  readonly header: Buffer;
  readonly payload: Buffer;
  readonly type: number;
  readonly typeName: string;
  readonly flags: number;
  readonly flagNames: readonly string[];
  readonly streamId: number;
  /** DATA, HEADERS, PUSH_PROMISE with PADDED: the Pad Length field. */
  readonly padLength?: number;
  /** DATA: the data; HEADERS, PUSH_PROMISE, CONTINUATION: the header block fragment. */
  readonly content?: Buffer;
  /** HEADERS with PRIORITY, or PRIORITY: the deprecated priority fields (§5.3.2). */
  readonly priority?: { exclusive: boolean; dependency: number; weight: number };
  /** RST_STREAM, GOAWAY. */
  readonly errorCode?: number;
  readonly settings?: readonly Setting[];
  readonly promisedStreamId?: number;
  /** PING: its 8 opaque octets. */
  readonly opaque?: Buffer;
  readonly lastStreamId?: number;
  readonly debugData?: Buffer;
  readonly windowIncrement?: number;
}

/** Parses one whole frame (header and payload). Bad lengths are errors naming the rule. */
export function parseFrame(bytes: Buffer): Frame {
  const header = bytes.subarray(0, FRAME_HEADER_LENGTH);
  const payload = bytes.subarray(FRAME_HEADER_LENGTH);
  const type = header[3]!;
  const flags = header[4]!;
  const known = FRAME_TYPES[type];
  const flagNames = Object.entries(known?.flags ?? {})
    .filter(([bit]) => (flags & Number(bit)) !== 0)
    .map(([, name]) => name);
  const base = {
    header,
    payload,
    type,
    typeName: known?.name ?? `unknown type 0x${type.toString(16)}`,
    flags,
    flagNames,
    streamId: header.readUInt32BE(5) & 0x7fffffff,
  };
  return { ...base, ...parsePayload(type, flags, payload) };
}

type Fields = Omit<
  Frame,
  'header' | 'payload' | 'type' | 'typeName' | 'flags' | 'flagNames' | 'streamId'
>;

function parsePayload(type: number, flags: number, payload: Buffer): Fields {
  switch (type) {
    case 0x0:
    case 0x1:
    case 0x5:
      return paddedContent(type, flags, payload);
    case 0x2:
      need(payload, 5, 'PRIORITY', '§6.3');
      return { priority: priorityFields(payload) };
    case 0x3:
      need(payload, 4, 'RST_STREAM', '§6.4');
      return { errorCode: payload.readUInt32BE(0) };
    case 0x4:
      if (payload.length % 6 !== 0)
        throw new Error('a SETTINGS payload must be a multiple of 6 octets (RFC 9113 §6.5)');
      return { settings: settingsOf(payload) };
    case 0x6:
      need(payload, 8, 'PING', '§6.7');
      return { opaque: payload };
    case 0x7:
      if (payload.length < 8) throw new Error('a GOAWAY payload is at least 8 octets (§6.8)');
      return {
        lastStreamId: payload.readUInt32BE(0) & 0x7fffffff,
        errorCode: payload.readUInt32BE(4),
        debugData: payload.subarray(8),
      };
    case 0x8:
      need(payload, 4, 'WINDOW_UPDATE', '§6.9');
      return { windowIncrement: payload.readUInt32BE(0) & 0x7fffffff };
    case 0x9:
      return { content: payload };
    default:
      return {}; // §5.5: unknown types are ignored
  }
}

/** DATA (§6.1), HEADERS (§6.2), PUSH_PROMISE (§6.6): optional padding around the content. */
function paddedContent(type: number, flags: number, payload: Buffer): Fields {
  let at = 0;
  let end = payload.length;
  let padLength: number | undefined;
  if (flags & 0x8) {
    padLength = payload[0]!;
    at = 1;
    end -= padLength;
  }
  let priority: Frame['priority'];
  let promisedStreamId: number | undefined;
  if (type === 0x1 && flags & 0x20) {
    priority = priorityFields(payload.subarray(at, at + 5));
    at += 5;
  }
  if (type === 0x5) {
    promisedStreamId = payload.readUInt32BE(at) & 0x7fffffff;
    at += 4;
  }
  if (end < at) throw new Error('padding longer than the frame payload (RFC 9113 §6.1)');
  return { padLength, priority, promisedStreamId, content: payload.subarray(at, end) };
}

function priorityFields(bytes: Buffer): NonNullable<Frame['priority']> {
  const word = bytes.readUInt32BE(0);
  return { exclusive: word >>> 31 === 1, dependency: word & 0x7fffffff, weight: bytes[4]! + 1 };
}

function settingsOf(payload: Buffer): Setting[] {
  const settings: Setting[] = [];
  for (let at = 0; at < payload.length; at += 6) {
    const id = payload.readUInt16BE(at);
    const name = SETTINGS_NAMES[id] ?? `unknown setting 0x${id.toString(16)}`;
    settings.push({ id, name, value: payload.readUInt32BE(at + 2) });
  }
  return settings;
}

function need(payload: Buffer, length: number, type: string, section: string): void {
  if (payload.length !== length)
    throw new Error(`a ${type} payload is ${length} octets (RFC 9113 ${section})`);
}
