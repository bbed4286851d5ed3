// Tests of allCodecs, the list of every hand-written message codec (protobuf.dev "Encoding";
// proto3 "Default Values"): complete against the .proto files, and each codec sound on its own.

import protobuf from 'protobufjs';
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../src/wire/codec.js';
import { allCodecs } from '../../../src/wire/messages/index.js';
import { referenceRoot } from '../../helpers/codec-protobufjs.js';

/** Fully-qualified names of the message types declared under `namespace`, nested ones included. */
function messageNames(namespace: protobuf.NamespaceBase): string[] {
  const names: string[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) names.push(nested.fullName.slice(1));
    if (nested instanceof protobuf.Namespace) names.push(...messageNames(nested));
  }
  return names;
}

t.test('typeNames are unique', (t) => {
  const names = allCodecs.map((codec) => codec.typeName);
  t.same(
    names.filter((name, i) => names.indexOf(name) !== i),
    [],
  );
  t.end();
});

/**
 * The google.rpc messages handwire sends or reads: Status, and the details its services attach
 * (BadRequest, RetryInfo) or a handler commonly does. proto/google/rpc/error_details.proto
 * declares the other standard details too, so that reflection clients can decode them.
 */
const GOOGLE_RPC_WITH_CODECS = [
  'google.rpc.Status',
  'google.rpc.ErrorInfo',
  'google.rpc.RetryInfo',
  'google.rpc.BadRequest',
  'google.rpc.BadRequest.FieldViolation',
  'google.rpc.LocalizedMessage',
];

t.test('every message of user.proto, offers.proto and the google.rpc details has a codec', (t) => {
  const names = new Set(allCodecs.map((codec) => codec.typeName));
  for (const packageName of ['user', 'offers.v1']) {
    for (const name of messageNames(referenceRoot.lookup(packageName) as protobuf.Namespace)) {
      t.ok(names.has(name), `${name} has a codec`);
    }
  }
  for (const name of GOOGLE_RPC_WITH_CODECS) t.ok(names.has(name), `${name} has a codec`);
  t.end();
});

t.test('every codec names a message protobufjs knows', (t) => {
  for (const codec of allCodecs) {
    t.ok(referenceRoot.lookupType(codec.typeName), codec.typeName);
  }
  t.end();
});

t.test('create() is the all-defaults message: no bytes, and what no bytes decode to', (t) => {
  for (const codec of allCodecs) {
    t.equal(encodeMessage(codec, codec.create()).length, 0, `${codec.typeName} encodes to 0 bytes`);
    t.same(decodeMessage(codec, new Uint8Array(0)), codec.create(), `${codec.typeName} decodes`);
  }
  t.end();
});

t.test('create() returns a fresh message each time: decoding one never changes another', (t) => {
  for (const codec of allCodecs) {
    const first = codec.create();
    const second = codec.create();
    t.not(first, second, codec.typeName);
    for (const [field, value] of Object.entries(first as object)) {
      if (typeof value === 'object' && value !== null) {
        t.not(value, (second as Record<string, unknown>)[field], `${codec.typeName}.${field}`);
      }
    }
  }
  t.end();
});
