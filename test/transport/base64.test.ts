import fc from 'fast-check';
import t from 'tap';
import { decodeBase64, encodeBase64 } from '../../src/transport/base64.js';

t.test('encodeBase64 sends unpadded standard base64', async (t) => {
  const cases: [number[], string][] = [
    [[], ''],
    [[0], 'AA'],
    [[0, 1], 'AAE'],
    [[0, 1, 2], 'AAEC'],
    [[0xfb, 0xff], '+/8'],
    [[0xfb, 0xff, 0xbf, 0xfe], '+/+//g'],
  ];
  for (const [bytes, text] of cases) {
    t.equal(encodeBase64(Buffer.from(bytes)), text, text);
    t.equal(encodeBase64(new Uint8Array(bytes)), text, `${text} from a Uint8Array`);
  }
  const view = new Uint8Array([9, 0, 1, 9]).subarray(1, 3);
  t.equal(encodeBase64(view), 'AAE', 'a view encodes only its own bytes');
});

t.test('decodeBase64 accepts padded and unpadded values', async (t) => {
  const cases: [string, number[] | null][] = [
    ['', []],
    ['AA', [0]],
    ['AA==', [0]],
    ['AAE', [0, 1]],
    ['AAE=', [0, 1]],
    ['AAEC', [0, 1, 2]],
    ['+/8', [0xfb, 0xff]],
    // Not base64:
    ['A', null], // one character cannot carry a byte
    ['AAAAA', null],
    ['AA=', null], // padding that does not complete a group
    ['A===', null],
    ['AA==AA', null], // padding in the middle
    ['-_8', null], // the URL-safe alphabet is not the one PROTOCOL-HTTP2.md names
    ['AA AA', null],
    ['AA\n', null],
    ['AA!', null],
  ];
  for (const [text, bytes] of cases) {
    const decoded = decodeBase64(text);
    t.same(decoded === null ? null : [...decoded], bytes, JSON.stringify(text));
  }
});

t.test('property: bytes survive encode → decode, padded or not', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const unpadded = encodeBase64(bytes);
      const padded = Buffer.from(bytes).toString('base64');
      return (
        !unpadded.includes('=') &&
        Buffer.from(bytes).equals(decodeBase64(unpadded)!) &&
        Buffer.from(bytes).equals(decodeBase64(padded)!)
      );
    }),
  );
});
