// Tests of the codecs for grpc's interop test messages (proto/grpc/testing/messages.proto and
// empty.proto; protobuf.dev "Encoding", proto3 semantics): property tests against protobufjs,
// then nested messages merging and the TestOrcaReport fields skipped, on hand-made bytes.

import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js';
import {
  type BoolValue,
  BoolValueCodec,
  type EchoStatus,
  EchoStatusCodec,
  EmptyCodec,
  type Payload,
  PayloadCodec,
  type ResponseParameters,
  ResponseParametersCodec,
  SimpleRequestCodec,
  SimpleResponseCodec,
  StreamingInputCallRequestCodec,
  StreamingInputCallResponseCodec,
  StreamingOutputCallRequestCodec,
  StreamingOutputCallResponseCodec,
} from '../../../src/wire/messages/grpc-testing.js';
import {
  protoBool,
  protoBytes,
  protoEnum,
  protoInt32,
  protoRepeated,
  protoString,
} from '../../helpers/codec-arbitraries.js';
import { testCodecAgainstProtobufjs } from '../../helpers/codec-properties.js';

type PlainObject = Record<string, unknown>;

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.option(arbitrary, { nil: null });

const boolValueArb: fc.Arbitrary<BoolValue> = fc.record({ value: protoBool });
const payloadArb: fc.Arbitrary<Payload> = fc.record({ type: protoEnum([0]), body: protoBytes });
const echoStatusArb: fc.Arbitrary<EchoStatus> = fc.record({
  code: protoInt32,
  message: protoString,
});
const responseParametersArb: fc.Arbitrary<ResponseParameters> = fc.record({
  size: protoInt32,
  intervalUs: protoInt32,
  compressed: optional(boolValueArb),
});

/** protobufjs reports the TestOrcaReport fields (which handwire leaves out) as null: drop them. */
function withoutOrca({ orcaPerQueryReport, orcaOobReport, ...rest }: PlainObject): never {
  return rest as never;
}

/** Unknown fields in each nested message of the wider schema too. */
function widerNested(value: unknown, extras: () => PlainObject): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => widerNested(v, extras));
  const out: PlainObject = { ...extras() };
  for (const [k, v] of Object.entries(value)) out[k] = widerNested(v, extras);
  return out;
}
const toWider = (message: unknown, extras: () => PlainObject) =>
  widerNested(message, extras) as PlainObject;

testCodecAgainstProtobufjs({ codec: EmptyCodec, arbitrary: fc.constant({}), toWider });
testCodecAgainstProtobufjs({ codec: BoolValueCodec, arbitrary: boolValueArb, toWider });
testCodecAgainstProtobufjs({ codec: PayloadCodec, arbitrary: payloadArb, toWider });
testCodecAgainstProtobufjs({ codec: EchoStatusCodec, arbitrary: echoStatusArb, toWider });
testCodecAgainstProtobufjs({
  codec: SimpleRequestCodec,
  arbitrary: fc.record({
    responseType: protoEnum([0]),
    responseSize: protoInt32,
    payload: optional(payloadArb),
    fillUsername: protoBool,
    fillOauthScope: protoBool,
    responseCompressed: optional(boolValueArb),
    responseStatus: optional(echoStatusArb),
    expectCompressed: optional(boolValueArb),
    fillServerId: protoBool,
    fillGrpclbRouteType: protoBool,
  }),
  fromReference: withoutOrca,
  toWider,
});
testCodecAgainstProtobufjs({
  codec: SimpleResponseCodec,
  arbitrary: fc.record({
    payload: optional(payloadArb),
    username: protoString,
    oauthScope: protoString,
    serverId: protoString,
    grpclbRouteType: protoEnum([0, 1, 2]),
    hostname: protoString,
  }),
  toWider,
});
testCodecAgainstProtobufjs({
  codec: StreamingInputCallRequestCodec,
  arbitrary: fc.record({ payload: optional(payloadArb), expectCompressed: optional(boolValueArb) }),
  toWider,
});
testCodecAgainstProtobufjs({
  codec: StreamingInputCallResponseCodec,
  arbitrary: fc.record({ aggregatedPayloadSize: protoInt32 }),
  toWider,
});
testCodecAgainstProtobufjs({
  codec: ResponseParametersCodec,
  arbitrary: responseParametersArb,
  toWider,
});
testCodecAgainstProtobufjs({
  codec: StreamingOutputCallRequestCodec,
  arbitrary: fc.record({
    responseType: protoEnum([0]),
    responseParameters: protoRepeated(responseParametersArb, 100),
    payload: optional(payloadArb),
    responseStatus: optional(echoStatusArb),
  }),
  fromReference: withoutOrca,
  toWider,
  numRuns: 100,
});
testCodecAgainstProtobufjs({
  codec: StreamingOutputCallResponseCodec,
  arbitrary: fc.record({ payload: optional(payloadArb) }),
  toWider,
});

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

t.test('a nested message seen twice is merged, not replaced (proto3 merge rules)', (t) => {
  // payload {type: 0, body: "ab"} then payload {body: ""…}: 1a 04 12 02 61 62, 1a 02 08 05
  const bytes = hex('1a04 1202 6162   1a02 0805');
  const request = decodeMessage(SimpleRequestCodec, bytes);
  t.same(request.payload, { type: 5, body: Uint8Array.from([0x61, 0x62]) });
  t.end();
});

t.test('the TestOrcaReport fields (11, 12; 8) are skipped as unknown', (t) => {
  // SimpleRequest field 11 and StreamingOutputCallRequest field 8: a TestOrcaReport with
  // cpu_utilization 0.5 (09 + 8 bytes of a double).
  const orca = hex('09 000000000000e03f');
  const simple = Buffer.concat([hex('5a09'), orca, hex('1005')]);
  t.same(decodeMessage(SimpleRequestCodec, simple), {
    ...SimpleRequestCodec.create(),
    responseSize: 5,
  });
  const streaming = Buffer.concat([hex('4209'), orca]);
  t.same(decodeMessage(StreamingOutputCallRequestCodec, streaming), {
    ...StreamingOutputCallRequestCodec.create(),
  });
  t.end();
});

t.test('a large payload body round-trips: 314,159 zero bytes', (t) => {
  const message = { payload: { type: 0, body: new Uint8Array(314_159) } };
  const bytes = encodeMessage(StreamingOutputCallResponseCodec, message);
  t.equal(bytes.length, 1 + 3 + 1 + 3 + 314_159, 'keys and three-byte lengths around the body');
  const body = decodeMessage(StreamingOutputCallResponseCodec, bytes).payload?.body;
  t.ok(body !== undefined && Buffer.from(body).equals(Buffer.alloc(314_159)));
  t.end();
});
