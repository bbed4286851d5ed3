// Tests of the google.protobuf.Any and Duration codecs (protobuf.dev "Encoding"; well-known types)
// against protobufjs, with the same properties as every other message codec.

import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js';
import { type Any, AnyCodec, DurationCodec } from '../../../src/wire/messages/google-protobuf.js';
import {
  protoBytes,
  protoInt32,
  protoInt64,
  protoString,
} from '../../helpers/codec-arbitraries.js';
import {
  anyFromReference,
  anyToReference,
  testCodecAgainstProtobufjs,
} from '../../helpers/codec-properties.js';

testCodecAgainstProtobufjs<Any>({
  codec: AnyCodec,
  arbitrary: fc.record({ typeUrl: protoString, value: protoBytes }),
  toReference: anyToReference,
  fromReference: anyFromReference,
  // The wider schema is parsed from text, so its Any has the camelCase name `typeUrl`.
  toWider: (any, extras) => ({ ...any, ...extras() }),
});
testCodecAgainstProtobufjs({
  codec: DurationCodec,
  arbitrary: fc.record({ seconds: protoInt64, nanos: protoInt32 }),
});

t.test('Any.value is a copy: it does not pin or alias the input buffer', (t) => {
  const bytes = encodeMessage(AnyCodec, { typeUrl: 'x', value: Uint8Array.of(1, 2, 3) });
  const any = decodeMessage(AnyCodec, bytes);
  bytes.fill(0);
  t.same([...any.value], [1, 2, 3]);
  t.end();
});
