// Percent-encoding of grpc-message (grpc PROTOCOL-HTTP2.md "Responses", Status-Message).
//
// The message is UTF-8, then every byte outside printable ASCII (0x20-0x7E), and `%` itself, is
// written as `%XX` with upper-case hex. Decoding must never fail: "When decoding invalid values,
// implementations MUST NOT error or throw away the message".

const HEX = '0123456789ABCDEF';

/** True when every UTF-16 unit is printable ASCII other than `%`: the text goes out unchanged. */
function isUnreserved(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x25) return false;
  }
  return true;
}

/**
 * Percent-encodes a status message for the `grpc-message` header. A lone UTF-16 surrogate, which
 * has no UTF-8 form, is sent as U+FFFD (`%EF%BF%BD`), as grpc-go sends invalid UTF-8.
 */
export function encodeGrpcMessage(text: string): string {
  // Most messages are plain ASCII: no allocation beyond the check.
  if (isUnreserved(text)) return text;
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) {
      encoded += String.fromCharCode(byte);
    } else {
      encoded += `%${HEX[byte >> 4]}${HEX[byte & 0xf]}`;
    }
  }
  return encoded;
}

/** The value of one hex digit (either case), or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Decodes a `grpc-message` header value, tolerantly, as grpc-go does: a `%` not followed by two
 * hex digits (either case) is kept as it is, and bytes that are not valid UTF-8 become U+FFFD.
 *
 * node:http2 hands header values over as latin1, one character per byte; so each character is
 * taken as the byte it came from, and a peer that wrongly sent raw UTF-8 is still read right.
 */
export function decodeGrpcMessage(value: string): string {
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25 || code > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) return value;

  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25 && i + 2 < value.length) {
      const high = hexValue(value.charCodeAt(i + 1));
      const low = hexValue(value.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        bytes.push((high << 4) | low);
        i += 2;
        continue;
      }
    }
    if (code <= 0xff) {
      bytes.push(code);
    } else {
      // Not from the wire (node:http2 gives bytes): a caller's own string; keep its characters.
      const point = value.codePointAt(i)!;
      if (point > 0xffff) i++;
      for (const byte of Buffer.from(String.fromCodePoint(point), 'utf8')) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
