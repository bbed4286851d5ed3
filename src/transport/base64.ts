// Base64 of binary header values (grpc PROTOCOL-HTTP2.md "Custom-Metadata"; RFC 4648 §4).
//
// "Implementations MUST accept padded and un-padded values and should emit un-padded values."
// Node's own base64 decoder is lenient (it skips characters outside the alphabet and accepts the
// URL-safe one too), so values are checked against the standard alphabet here first: a corrupt
// header is reported, not silently turned into different bytes.

/** Standard-alphabet characters, then at most two `=`. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes bytes as standard base64 without `=` padding, as grpc-go and grpc core send it. */
export function encodeBase64(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('base64');
  // Node always pads; a padded value ends in one or two `=`.
  if (text.charCodeAt(text.length - 1) !== 0x3d) return text;
  return text.charCodeAt(text.length - 2) === 0x3d ? text.slice(0, -2) : text.slice(0, -1);
}

/**
 * Decodes standard base64, padded or not. Returns null when the text is not base64: a character
 * outside the alphabet, padding that does not complete a 4-character group, or a length that
 * leaves a single character over (which cannot encode a whole byte).
 */
export function decodeBase64(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const padded = text.endsWith('=');
  if (padded ? text.length % 4 !== 0 : text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64');
}
