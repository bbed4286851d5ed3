// Tests int64.ts: 64-bit values split into and joined from 32-bit halves, zigzag, range checks (protobuf.dev "Encoding", "Signed Integers").

import fc from 'fast-check';
import t from 'tap';
import {
  checkInt64,
  checkUint64,
  joinInt64,
  joinInt64BigInt,
  joinUint64,
  joinUint64BigInt,
  scratch,
  splitInt64,
  splitUint64,
  unzigzagScratch,
  zigzagSplit,
} from '../../src/wire/int64.js';

const SEED = 64;
const TWO_32 = 2n ** 32n;

/** The halves the spec's two's complement gives, computed with bigints. */
function halves(value: bigint): [number, number] {
  const bits = BigInt.asUintN(64, value);
  return [Number(bits % TWO_32), Number(bits / TWO_32)];
}

const EDGES = [
  0n,
  1n,
  -1n,
  2n ** 31n - 1n,
  2n ** 31n,
  -(2n ** 31n),
  -(2n ** 31n) - 1n,
  2n ** 32n - 1n,
  2n ** 32n,
  -(2n ** 32n),
  2n ** 53n - 1n,
  -(2n ** 53n - 1n),
  2n ** 63n - 1n,
  -(2n ** 63n),
];
const isSafe = (v: bigint) => v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n;

t.test("splitInt64 gives two's-complement halves, from a number or a bigint", async (t) => {
  for (const v of EDGES) {
    splitInt64(v);
    t.same([scratch.lo, scratch.hi], halves(v), `${v}n`);
    if (isSafe(v)) {
      splitInt64(Number(v));
      t.same([scratch.lo, scratch.hi], halves(v), `${v}`);
    }
  }
});

t.test('splitUint64', async (t) => {
  for (const v of [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 63n, 2n ** 64n - 1n]) {
    splitUint64(v);
    t.same([scratch.lo, scratch.hi], halves(v), `${v}n`);
    if (v <= 2n ** 53n - 1n) {
      splitUint64(Number(v));
      t.same([scratch.lo, scratch.hi], halves(v), `${v}`);
    }
  }
});

t.test('join: numbers only when safe, bigints always', async (t) => {
  for (const v of [...EDGES, 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n]) {
    const [lo, hi] = halves(v);
    t.equal(joinInt64BigInt(lo, hi), v, `${v}n`);
    t.equal(joinInt64(lo, hi), isSafe(v) ? Number(v) : null, `${v}`);
    const u = BigInt.asUintN(64, v);
    t.equal(joinUint64BigInt(lo, hi), u);
    t.equal(joinUint64(lo, hi), u <= 2n ** 53n - 1n ? Number(u) : null);
  }
});

t.test('zigzag maps 0, -1, 1, -2 to 0, 1, 2, 3 and undoes itself', async (t) => {
  const expected: [bigint, bigint][] = [
    [0n, 0n],
    [-1n, 1n],
    [1n, 2n],
    [-2n, 3n],
    [2n ** 63n - 1n, 2n ** 64n - 2n],
    [-(2n ** 63n), 2n ** 64n - 1n],
  ];
  for (const [value, encoded] of expected) {
    zigzagSplit(value);
    t.same([scratch.lo, scratch.hi], halves(encoded), `${value}`);
    unzigzagScratch();
    t.equal(joinInt64BigInt(scratch.lo, scratch.hi), value);
  }
});

t.test('range checks name the value, the type and what to do', async (t) => {
  t.doesNotThrow(() => checkInt64(Number.MAX_SAFE_INTEGER));
  t.doesNotThrow(() => checkInt64(-(2n ** 63n)));
  t.doesNotThrow(() => checkUint64(2n ** 64n - 1n));
  t.doesNotThrow(() => checkUint64(0));
  t.throws(() => checkInt64(2 ** 53), {
    name: 'RangeError',
    message:
      'int64 value 9007199254740992 is beyond ±(2^53-1), where numbers lose precision: pass a bigint',
  });
  t.throws(() => checkInt64(Number.POSITIVE_INFINITY, 'sfixed64'), {
    message: 'sfixed64 value Infinity is not an integer',
  });
  t.throws(() => checkInt64(2n ** 63n, 'sint64'), {
    message: 'sint64 value 9223372036854775808 is outside -2^63..2^63-1',
  });
  t.throws(() => checkUint64(-0.5), {
    message: 'uint64 value -0.5 is not an integer in 0..2^64-1',
  });
  t.throws(() => checkUint64(2 ** 60, 'fixed64'), {
    message:
      'fixed64 value 1152921504606847000 is beyond 2^53-1, where numbers lose precision: pass a bigint',
  });
  t.throws(() => checkUint64(-1n), { message: 'uint64 value -1 is outside 0..2^64-1' });
});

t.test(
  `property (seed ${SEED}): split, zigzag and join agree with bigint arithmetic`,
  async (t) => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        splitInt64(v);
        const [lo, hi] = halves(v);
        if (scratch.lo !== lo || scratch.hi !== hi) return false;
        if (joinInt64BigInt(lo, hi) !== v) return false;
        zigzagSplit(v);
        const [zlo, zhi] = halves((v << 1n) ^ (v >> 63n));
        if (scratch.lo !== zlo || scratch.hi !== zhi) return false;
        unzigzagScratch();
        return joinInt64BigInt(scratch.lo, scratch.hi) === v;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        splitInt64(n);
        const [lo, hi] = halves(BigInt(n));
        return scratch.lo === lo && scratch.hi === hi && joinInt64(lo, hi) === n;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    t.pass('6000 values');
  },
);
