// Fuzzes every message decoder and FrameDecoder with random and mutated input: only a WireError or a value may come out (protobuf.dev "Encoding"; grpc PROTOCOL-HTTP2.md "Length-Prefixed-Message").
//
// Inputs come from a seeded PRNG, so a failure names its seed, codec and input and reproduces.
// Set FUZZ_SEED to explore other seeds; the default is fixed. Per codec the corpus grows from the
// empty message and from re-encodings of whatever random well-formed protobuf decoded, so the
// mutations start from encodings that reach each codec's own fields.

import fc from 'fast-check';
import t from 'tap';
import { decodeMessage, encodeMessage, type MessageCodec } from '../../src/wire/codec.js';
import { FrameDecoder, frameBytes } from '../../src/wire/framing.js';
import { allCodecs } from '../../src/wire/messages/index.js';
import { WireError } from '../../src/wire/wire-error.js';
import {
  KitchenSinkCodec,
  kitchenSinkArbitrary,
  NestedCodec,
  Numbers64Codec,
} from '../fixtures/kitchen-sink-codec.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2026);

/** mulberry32: a tiny, well-mixed 32-bit PRNG, so every input is a function of the seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  return {
    /** An integer in [0, n). */
    below: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

/** Bytes the wire format gives meaning to: continuation bits, small keys, lengths, UTF-8 leads. */
const INTERESTING = [
  0x00, 0x01, 0x02, 0x08, 0x0a, 0x0b, 0x0c, 0x10, 0x12, 0x7f, 0x80, 0xc0, 0xed, 0xf4, 0xff,
];

function randomBytes(rng: Rng, maxLength: number): number[] {
  const out: number[] = [];
  const length = rng.below(maxLength + 1);
  for (let i = 0; i < length; i++)
    out.push(rng.chance(0.3) ? rng.pick(INTERESTING) : rng.below(256));
  return out;
}

function pushVarint(out: number[], value: bigint): void {
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
}

const VARINTS = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  2n ** 31n,
  -(2n ** 31n),
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  -(2n ** 63n),
  2n ** 64n - 1n,
];
const TEXT = [
  '',
  'a',
  'hello',
  'é',
  '€uro',
  '😀',
  'x'.repeat(40),
  'name@example.com',
  'type.googleapis.com/google.rpc.ErrorInfo',
];

/**
 * Random but well-formed protobuf: fields 1-12 mostly (where the codecs' fields are), any wire
 * type, nested messages and groups a few levels deep, text that is valid UTF-8 most of the time.
 */
function randomMessage(rng: Rng, depth: number, out: number[] = []): number[] {
  const fields = rng.below(depth === 0 ? 8 : 4);
  for (let i = 0; i < fields; i++) {
    const field = rng.chance(0.9) ? 1 + rng.below(12) : 1 + rng.below(2 ** 29 - 1);
    const wireType = rng.pick([0, 0, 1, 2, 2, 2, 5, depth < 3 ? 3 : 0]);
    pushVarint(out, BigInt(field * 8 + wireType));
    switch (wireType) {
      case 0:
        pushVarint(out, rng.chance(0.5) ? rng.pick(VARINTS) : BigInt(rng.below(2 ** 31)));
        break;
      case 1:
        for (let b = 0; b < 8; b++) out.push(rng.below(256));
        break;
      case 5:
        for (let b = 0; b < 4; b++) out.push(rng.below(256));
        break;
      case 3:
        randomMessage(rng, depth + 1, out);
        pushVarint(out, BigInt(field * 8 + 4));
        break;
      default: {
        let payload: number[];
        const kind = rng.below(4);
        if (kind === 0 && depth < 4) payload = randomMessage(rng, depth + 1);
        else if (kind === 1) payload = randomBytes(rng, 20);
        else if (kind === 2) {
          payload = [];
          for (let n = rng.below(5); n > 0; n--) pushVarint(payload, rng.pick(VARINTS));
        } else payload = [...Buffer.from(rng.pick(TEXT))];
        pushVarint(out, BigInt(payload.length));
        for (const byte of payload) out.push(byte);
      }
    }
  }
  return out;
}

/** One random edit of a valid encoding: the kinds of damage a network or a bad peer does. */
function mutate(rng: Rng, input: Uint8Array, other: Uint8Array): Buffer {
  const bytes = [...input];
  const at = () => rng.below(bytes.length + 1);
  for (let edits = 1 + rng.below(3); edits > 0; edits--) {
    switch (rng.below(8)) {
      case 0: // flip a bit
        if (bytes.length > 0) bytes[rng.below(bytes.length)]! ^= 1 << rng.below(8);
        break;
      case 1: // truncate
        bytes.length = at();
        break;
      case 2: // insert random bytes
        bytes.splice(at(), 0, ...randomBytes(rng, 6));
        break;
      case 3: {
        // duplicate a slice somewhere else
        const from = at();
        const slice = bytes.slice(from, from + 1 + rng.below(12));
        bytes.splice(at(), 0, ...slice);
        break;
      }
      case 4: // overwrite a byte with one the wire format cares about
        if (bytes.length > 0) bytes[rng.below(bytes.length)] = rng.pick(INTERESTING);
        break;
      case 5: // delete a range
        bytes.splice(at(), 1 + rng.below(4));
        break;
      case 6: // splice in part of another valid input
        bytes.splice(at(), 0, ...other.subarray(rng.below(other.length + 1)));
        break;
      default: // append another valid input: a merge, which must decode when both did
        bytes.push(...other);
    }
  }
  return Buffer.from(bytes);
}

interface Tally {
  inputs: number;
  decoded: number;
  rejected: number;
  slowestMs: number;
}

/**
 * Decodes `input`; a WireError counts as a rejection, anything else thrown is a failure. A
 * decoded message must re-encode, and its re-encoding must decode to the same bytes again.
 */
function attempt<T>(codec: MessageCodec<T>, input: Uint8Array, tally: Tally): T | undefined {
  tally.inputs++;
  const started = performance.now();
  let value: T;
  try {
    value = decodeMessage(codec, input);
  } catch (err) {
    if (!(err instanceof WireError))
      throw failure(codec, input, 'decode threw a non-WireError', err);
    tally.rejected++;
    return undefined;
  } finally {
    tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
  }
  tally.decoded++;
  let again: Buffer;
  try {
    again = encodeMessage(codec, value);
    const twice = encodeMessage(codec, decodeMessage(codec, again));
    if (!twice.equals(again))
      throw new Error(`re-encoding changed: ${again.toString('hex')} → ${twice.toString('hex')}`);
  } catch (err) {
    throw failure(codec, input, 'a decoded message did not re-encode stably', err);
  }
  return value;
}

function failure(
  codec: MessageCodec<unknown>,
  input: Uint8Array,
  what: string,
  cause: unknown,
): Error {
  return new Error(
    `${codec.typeName}: ${what} (seed ${SEED}) for input ${Buffer.from(input).toString('hex')}: ${cause instanceof Error ? cause.stack : String(cause)}`,
  );
}

const codecs: readonly MessageCodec<unknown>[] = [
  ...allCodecs,
  KitchenSinkCodec,
  NestedCodec,
  Numbers64Codec,
] as MessageCodec<unknown>[];

const PER_CODEC = { random: 600, structured: 1400, mutated: 2400 };
const FRAME_STREAMS = 6000;
const startedAt = performance.now();
let totalInputs = 0;

t.test(
  `fuzz (seed ${SEED}): every message codec on random, well-formed and mutated input`,
  async (t) => {
    t.ok(codecs.length >= 4, `${codecs.length} codecs`);
    const names = new Set(codecs.map((c) => c.typeName));
    t.equal(names.size, codecs.length, 'each codec once');
    // Rich, valid KitchenSink encodings to mutate, beyond what random fields reach.
    const kitchenSeeds = fc
      .sample(kitchenSinkArbitrary(true), { seed: SEED, numRuns: 60 })
      .map((m) => encodeMessage(KitchenSinkCodec, m));

    codecs.forEach((codec, index) => {
      const rng = prng(SEED + index * 7919);
      const tally: Tally = { inputs: 0, decoded: 0, rejected: 0, slowestMs: 0 };
      const corpus: Uint8Array[] = [encodeMessage(codec, codec.create())];
      if (codec === KitchenSinkCodec) corpus.push(...kitchenSeeds);
      const remember = (value: unknown) => {
        if (value !== undefined && corpus.length < 300) corpus.push(encodeMessage(codec, value));
      };
      for (let i = 0; i < PER_CODEC.random; i++)
        attempt(codec, Buffer.from(randomBytes(rng, 48)), tally);
      for (let i = 0; i < PER_CODEC.structured; i++) {
        remember(attempt(codec, Buffer.from(randomMessage(rng, 0)), tally));
      }
      for (let i = 0; i < PER_CODEC.mutated; i++) {
        const input = mutate(rng, rng.pick(corpus), rng.pick(corpus));
        attempt(codec, input, tally);
      }
      totalInputs += tally.inputs;
      // A bound for runaway inputs (a quadratic decode, a huge allocation), not a benchmark: on
      // two loaded cores one decode was seen to take 268 ms through a GC pause or a descheduling.
      t.ok(
        tally.slowestMs < 2000,
        `${codec.typeName}: ${tally.inputs} inputs, ${tally.decoded} decoded, ${tally.rejected} rejected, corpus ${corpus.length}, slowest ${tally.slowestMs.toFixed(2)} ms`,
      );
    });
  },
);

t.test(
  `fuzz (seed ${SEED}): FrameDecoder on random and mutated streams, cut anywhere`,
  async (t) => {
    const rng = prng(SEED ^ 0xf4a3e);
    let delivered = 0;
    let rejected = 0;
    for (let i = 0; i < FRAME_STREAMS; i++) {
      const codec = rng.pick(codecs);
      let stream: Buffer;
      if (i % 3 === 0) {
        stream = Buffer.from(randomBytes(rng, 80));
      } else {
        const frames: Buffer[] = [];
        for (let n = rng.below(5); n > 0; n--) {
          frames.push(frameBytes(Buffer.from(randomMessage(rng, 0)), rng.chance(0.2)));
        }
        const valid = Buffer.concat(frames);
        stream =
          i % 3 === 1
            ? valid
            : mutate(rng, valid, frameBytes(Buffer.from(randomMessage(rng, 1)), false));
      }
      // A limit small enough that lengths in corrupt headers often exceed it, never huge: the
      // decoder allocates a split message's body once its header has passed the limit.
      const decoder = new FrameDecoder(rng.pick([0, 16, 64, 1024, 65536]));
      let fed = 0;
      let bodyBytes = 0;
      totalInputs++;
      try {
        while (fed < stream.length) {
          const size = 1 + rng.below(rng.chance(0.5) ? 8 : 64);
          decoder.push(stream.subarray(fed, fed + size), (message) => {
            delivered++;
            bodyBytes += message.length;
            // Each message then goes to a codec, as a server would hand it to a method.
            try {
              decodeMessage(codec, message);
            } catch (err) {
              if (!(err instanceof WireError))
                throw failure(codec, message, 'decode of a framed message threw', err);
            }
          });
          fed += size;
        }
      } catch (err) {
        if (!(err instanceof WireError)) {
          t.fail(
            `FrameDecoder (seed ${SEED}) threw a non-WireError for ${stream.toString('hex')}: ${String(err)}`,
          );
          return;
        }
        rejected++;
      }
      if (bodyBytes > stream.length) {
        t.fail(`FrameDecoder delivered more bytes than it was fed: ${stream.toString('hex')}`);
        return;
      }
    }
    t.pass(
      `${FRAME_STREAMS} streams: ${delivered} messages delivered, ${rejected} streams rejected`,
    );
  },
);

t.test('the fuzz budget: at least 100,000 inputs in under 60 s', async (t) => {
  const seconds = (performance.now() - startedAt) / 1000;
  t.ok(totalInputs >= 100_000, `${totalInputs} inputs`);
  t.ok(seconds < 60, `${seconds.toFixed(1)} s`);
});
