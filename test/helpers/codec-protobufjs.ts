// protobufjs as the reference the hand-written codecs are checked against (protobuf.dev
// "Encoding"): the contract's .proto files and the wider test schemas, loaded at run time.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const fromRepo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * The schemas handwire implements: proto/*.proto as served, google.rpc's status and error details
 * included (google/protobuf/any.proto and duration.proto come bundled with protobufjs).
 */
export const referenceRoot: protobuf.Root = loadResolved([
  'proto/user.proto',
  'proto/offers.proto',
  'proto/google/rpc/status.proto',
  'proto/google/rpc/error_details.proto',
  'proto/grpc/testing/empty.proto',
  'proto/grpc/testing/messages.proto',
  'proto/grpc/health/v1/health.proto',
  'proto/grpc/reflection/v1/reflection.proto',
]);

/**
 * The same messages with extra fields of every wire type (test/fixtures/wider/). Health and
 * reflection have no wider schema yet: their fuzzing starts from referenceRoot's encodings.
 */
export const widerRoot: protobuf.Root = loadResolved([
  'test/fixtures/wider/user_wider.proto',
  'test/fixtures/wider/offers_wider.proto',
  'test/fixtures/wider/google_rpc_wider.proto',
  'test/fixtures/interop/grpc_testing_wider.proto',
]);

/** Loads .proto files (paths from the repository root) and resolves every type name up front. */
function loadResolved(paths: string[]): protobuf.Root {
  const root = protobuf.loadSync(paths.map(fromRepo));
  root.resolveAll();
  return root;
}

/**
 * How a message protobufjs decoded becomes a plain object to compare with handwire's:
 * - `longs: Number`: the `long` package is installed, so protobufjs decodes every int64 into a
 *   Long object. `toObject` with `longs: Number` converts it through LongBits.toNumber, which is
 *   exact for every value within ±(2^53-1) — all a handwire number-typed int64 can hold, and all
 *   the arbitraries generate. (Setting `protobuf.util.Long = undefined` instead would change
 *   global state shared by every test in this process, and would make protobufjs round larger
 *   values silently; converting per call keeps the reference exact.)
 * - `enums: Number`: an enum stays a number, unknown values included, as in handwire.
 * - `defaults`, `arrays`, `objects`: absent fields come back at their defaults, empty repeated
 *   fields as [] and empty maps as {}, as handwire's `create()` makes them.
 * `bytes` is left as is (a Buffer); the comparison in codec-properties.ts looks at contents only.
 * A singular message field that is absent becomes null, as handwire represents it.
 */
export const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
};

/** protobufjs's encoding of a plain object (camelCase names, int64 as number or decimal string). */
export function referenceEncode(type: protobuf.Type, object: Record<string, unknown>): Uint8Array {
  // fromObject turns numbers into Longs with Long.fromValue: exact for safe integers.
  return type.encode(type.fromObject(object)).finish();
}

/** protobufjs's decoding of bytes, as a plain object (see TO_OBJECT_OPTIONS). */
export function referenceDecode(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), TO_OBJECT_OPTIONS);
}
