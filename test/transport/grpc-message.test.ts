import fc from 'fast-check';
import t from 'tap';
import { decodeGrpcMessage, encodeGrpcMessage } from '../../src/transport/grpc-message.js';

t.test('encodeGrpcMessage: UTF-8, then %XX outside 0x20-0x7E and for % itself', async (t) => {
  const cases: [string, string][] = [
    ['', ''],
    ['user 42 not found', 'user 42 not found'],
    [' !"#$&\'()*+,-./:;<=>?@[\\]^_`{|}~', ' !"#$&\'()*+,-./:;<=>?@[\\]^_`{|}~'],
    ['100%', '100%25'],
    ['%41', '%2541'],
    ['a\nb', 'a%0Ab'],
    ['tab\there', 'tab%09here'],
    ['\x7f', '%7F'],
    ['\x00', '%00'],
    ['café', 'caf%C3%A9'],
    ['€', '%E2%82%AC'],
    ['😀', '%F0%9F%98%80'],
    ['日本', '%E6%97%A5%E6%9C%AC'],
    // A lone surrogate has no UTF-8 form: it goes out as U+FFFD, as grpc-go sends invalid UTF-8.
    ['a\ud800b', 'a%EF%BF%BDb'],
  ];
  for (const [text, encoded] of cases)
    t.equal(encodeGrpcMessage(text), encoded, JSON.stringify(text));
});

t.test('decodeGrpcMessage is tolerant: it never throws and never drops the message', async (t) => {
  const cases: [string, string][] = [
    ['', ''],
    ['plain text', 'plain text'],
    ['100%25', '100%'],
    ['caf%C3%A9', 'café'],
    ['caf%c3%a9', 'café'], // lower-case hex, as grpc-go's ParseUint accepts
    ['%F0%9F%98%80', '😀'],
    ['a%0Ab', 'a\nb'],
    // Malformed escapes are kept literally.
    ['%', '%'],
    ['100%', '100%'],
    ['%4', '%4'],
    ['%zz', '%zz'],
    ['%4g', '%4g'],
    ['%%41', '%A'],
    ['50% off', '50% off'],
    // Bytes that are not UTF-8 become U+FFFD.
    ['%FF', '\ufffd'],
    ['%C3', '\ufffd'],
    ['a%C3%28b', 'a\ufffd(b'],
    // node:http2 gives header bytes as latin1 characters: raw UTF-8 from a sloppy peer still reads.
    ['caf\u00c3\u00a9', 'café'],
    ['\u00e9', '\ufffd'],
    // Characters that could not come from the wire (a caller's own string) are kept.
    ['€ %41', '€ A'],
    ['😀%41', '😀A'],
  ];
  for (const [value, text] of cases) t.equal(decodeGrpcMessage(value), text, JSON.stringify(value));
});

t.test('property: every well-formed Unicode string round-trips', async () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      const encoded = encodeGrpcMessage(text);
      return /^[\x20-\x7e]*$/.test(encoded) && decodeGrpcMessage(encoded) === text;
    }),
    { numRuns: 500 },
  );
});

t.test('property: the encoding has only Percent-Byte-Unencoded and well-formed %XX', async () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
      return /^(?:[\x20-\x24\x26-\x7e]|%[0-9A-F]{2})*$/.test(encodeGrpcMessage(text));
    }),
  );
});

t.test('property: decoding anything printable never throws', async () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('%', 'a', 'F', '0', '9', 'g', ' ', '\u00c3') }),
      (value) => {
        return typeof decodeGrpcMessage(value) === 'string';
      },
    ),
  );
});
