// Fuzz tests of every codec in allCodecs on hostile bytes (protobuf.dev "Encoding"): decoding
// either succeeds or throws a WireError — never another error, never a hang — and whatever
// decodes re-encodes to bytes that decode to the same message.

import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import type protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js';
import { allCodecs } from '../../../src/wire/messages/index.js';
import { WireError } from '../../../src/wire/wire-error.js';
import { widerExtras } from '../../helpers/codec-arbitraries.js';
import { comparable } from '../../helpers/codec-properties.js';
import { referenceEncode, referenceRoot, widerRoot } from '../../helpers/codec-protobufjs.js';

/**
 * Bytes that look like protobuf more often than random bytes do: valid wider-schema encodings
 * (so every wire type appears), then cut short, spliced, or with bytes overwritten.
 */
function hostileBytes(typeName: string): fc.Arbitrary<Uint8Array> {
  // Messages without a wider schema (health, reflection) start from their own encodings.
  const widerType =
    (widerRoot.lookup(typeName) as protobuf.Type | null) ?? referenceRoot.lookupType(typeName);
  const valid = widerExtras.map((extras) => referenceEncode(widerType, extras));
  const mutated = fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
    .map(([bytes, edits]) => {
      const copy = Uint8Array.from(bytes);
      for (const [at, value] of edits) if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    });
  const truncated = fc
    .tuple(valid, fc.nat())
    .map(([bytes, cut]) => bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length));
  return fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated, truncated);
}

for (const codec of allCodecs) {
  t.test(
    `${codec.typeName}: hostile bytes decode or throw WireError, and re-encode stably`,
    (t) => {
      fc.assert(
        fc.property(hostileBytes(codec.typeName), (bytes) => {
          let message: unknown;
          try {
            message = decodeMessage(codec, bytes);
          } catch (error) {
            if (error instanceof WireError) return;
            throw error;
          }
          const again = decodeMessage(codec, encodeMessage(codec, message));
          deepStrictEqual(comparable(again), comparable(message));
        }),
        { numRuns: 200 },
      );
      t.pass('200 inputs');
      t.end();
    },
  );
}

t.test('unknown groups nested too deep are a WireError, not a stack overflow', (t) => {
  // Field 9 (unknown to user.User) as a start-group key 0x4b, nested n deep, then closed.
  const nested = (depth: number): Buffer =>
    Buffer.concat([
      Buffer.alloc(depth, 0x4b),
      Buffer.alloc(depth, 0x4c),
      Buffer.from('0a0161', 'hex'),
    ]);
  const [user] = allCodecs.filter((codec) => codec.typeName === 'user.User');
  t.same(decodeMessage(user!, nested(50)), { ...user!.create(), id: 'a' }, '50 deep is skipped');
  t.throws(() => decodeMessage(user!, nested(10_000)), WireError, '10,000 deep is refused');
  t.throws(() => decodeMessage(user!, Buffer.alloc(10, 0x4b)), WireError, 'never closed');
  t.end();
});
