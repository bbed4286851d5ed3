// Tests CRC-32C (Castagnoli) against the standard check value and a bit-at-a-time reference, and
// measures its throughput (RFC 3720 appendix B.4 gives the polynomial; Kafka's record batch v2
// uses it, KIP-98).

import fc from 'fast-check';
import t from 'tap';
import { crc32c } from '../../../src/kafka/protocol/crc32c.js';

/** Bit-at-a-time CRC-32C: slow, obviously right. */
function referenceCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

t.test('the standard check value: "123456789" gives 0xE3069283', async (t) => {
  t.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  t.equal(crc32c(Buffer.alloc(0)), 0);
  // RFC 3720 B.4: 32 bytes of zeros, and of 0xff.
  t.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  t.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
});

t.test(
  'slicing-by-8 equals the bit-at-a-time reference at every length and alignment',
  async (t) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(7), (bytes, skip) => {
        const start = Math.min(skip, bytes.length);
        return crc32c(bytes, start) === referenceCrc32c(bytes.subarray(start));
      }),
      { seed: 32, numRuns: 300 },
    );
    t.pass('matches');
  },
);

t.test('a CRC can be continued over a second range', async (t) => {
  const data = Buffer.from('hello, record batch');
  const first = crc32c(data, 0, 7);
  t.equal(crc32c(data, 7, data.length, first), crc32c(data));
});

t.test('throughput on 1 MiB (reported, not asserted beyond a sanity floor)', async (t) => {
  const data = Buffer.alloc(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  crc32c(data);
  const rounds = 16;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) crc32c(data);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mbPerSecond = (rounds * data.length) / 1e6 / seconds;
  t.comment(`crc32c: ${mbPerSecond.toFixed(0)} MB/s`);
  t.ok(mbPerSecond > 50, 'fast enough not to be the broker bottleneck');
});
