import fc from 'fast-check';
import t from 'tap';
import { decodeStatusDetails, encodeStatusDetails } from '../../src/transport/status-details.js';
import { encodeMessage } from '../../src/wire/codec.js';
import { type Status as RpcStatus, StatusCodec } from '../../src/wire/messages/google-rpc.js';
import { WireError } from '../../src/wire/wire-error.js';

const status: RpcStatus = {
  code: 3,
  message: 'bad request',
  details: [
    { typeUrl: 'type.googleapis.com/google.rpc.BadRequest', value: new Uint8Array([10, 0]) },
  ],
};

t.test('encodeStatusDetails is the google.rpc.Status bytes in unpadded base64', async (t) => {
  const encoded = encodeStatusDetails(status);
  t.notOk(encoded.includes('='));
  t.same(Buffer.from(encoded, 'base64'), encodeMessage(StatusCodec, status));
  t.equal(
    encodeStatusDetails({ code: 0, message: '', details: [] }),
    '',
    'an empty status is no bytes',
  );
  t.equal(encodeStatusDetails({ code: 5, message: '', details: [] }), 'CAU');
});

t.test('decodeStatusDetails accepts padded and unpadded base64', async (t) => {
  t.same(decodeStatusDetails('CAU'), { code: 5, message: '', details: [] });
  t.same(decodeStatusDetails('CAU='), { code: 5, message: '', details: [] });
  t.same(decodeStatusDetails(encodeStatusDetails(status)), status);
  t.same(decodeStatusDetails(''), { code: 0, message: '', details: [] });
});

t.test('decodeStatusDetails throws WireError on garbage', async (t) => {
  t.throws(() => decodeStatusDetails('not base64!'), {
    name: 'WireError',
    message: 'grpc-status-details-bin is not valid base64 at byte 0',
  });
  // Valid base64, but a length-delimited field that runs past the end.
  const truncated = Buffer.from([0x12, 0x05, 0x61]).toString('base64');
  t.throws(() => decodeStatusDetails(truncated), WireError);
  // A field key of field number 0.
  t.throws(() => decodeStatusDetails(Buffer.from([0x00]).toString('base64')), WireError);
});

t.test('property: any status round-trips', async () => {
  const any = fc.record({
    typeUrl: fc.string(),
    value: fc.uint8Array({ maxLength: 16 }),
  });
  const arbitrary = fc.record({
    code: fc.integer({ min: 0, max: 16 }),
    message: fc.string({ unit: 'binary', maxLength: 30 }),
    details: fc.array(any, { maxLength: 3 }),
  });
  fc.assert(
    fc.property(arbitrary, (value) => {
      const back = decodeStatusDetails(encodeStatusDetails(value));
      return (
        back.code === value.code &&
        back.message === value.message &&
        back.details.length === value.details.length &&
        back.details.every(
          (detail, i) =>
            detail.typeUrl === value.details[i]!.typeUrl &&
            Buffer.from(detail.value).equals(Buffer.from(value.details[i]!.value)),
        )
      );
    }),
  );
});
