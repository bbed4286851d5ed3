import fc from 'fast-check';
import t from 'tap';
import {
  formatGrpcTimeout,
  MalformedTimeoutError,
  parseGrpcTimeout,
} from '../../src/transport/grpc-timeout.js';

t.test('parseGrpcTimeout: 1-8 digits and a unit, in milliseconds', async (t) => {
  const cases: [string, number][] = [
    ['1H', 3_600_000],
    ['2M', 120_000],
    ['1S', 1_000],
    ['100m', 100],
    ['1500u', 1.5],
    ['1u', 0.001],
    ['1n', 0.000001],
    ['1000000n', 1],
    ['0S', 0],
    ['0n', 0],
    ['00000001S', 1_000], // leading zeros are digits too
    ['99999999H', 99_999_999 * 3_600_000],
    ['99999999n', 99.999999],
  ];
  for (const [value, ms] of cases) t.equal(parseGrpcTimeout(value), ms, value);
});

t.test(
  'parseGrpcTimeout: malformed values throw MalformedTimeoutError saying what is wrong',
  async (t) => {
    const cases: [string, string][] = [
      [
        '10x',
        'grpc-timeout "10x" is malformed: "x" is not a unit; expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        '',
        'grpc-timeout "" is malformed: it is empty; expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        'S',
        'grpc-timeout "S" is malformed: the unit has no digits before it; expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        '123456789S',
        'grpc-timeout "123456789S" is malformed: it has 9 digits, at most 8 are allowed',
      ],
      [
        '10',
        'grpc-timeout "10" is malformed: "0" is not a unit; expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        '1s',
        'grpc-timeout "1s" is malformed: "s" is not a unit; expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        '1.5S',
        'grpc-timeout "1.5S" is malformed: expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        '-1S',
        'grpc-timeout "-1S" is malformed: expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        ' 1S',
        'grpc-timeout " 1S" is malformed: expected 1-8 digits followed by one of H M S m u n',
      ],
      [
        '1 S',
        'grpc-timeout "1 S" is malformed: expected 1-8 digits followed by one of H M S m u n',
      ],
      ['١S', 'grpc-timeout "١S" is malformed: expected 1-8 digits followed by one of H M S m u n'],
    ];
    for (const [value, message] of cases) {
      t.throws(
        () => parseGrpcTimeout(value),
        { name: 'MalformedTimeoutError', message, value },
        JSON.stringify(value),
      );
    }
    t.type(
      catchError(() => parseGrpcTimeout('x')),
      MalformedTimeoutError,
    );
  },
);

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

t.test(
  'formatGrpcTimeout: the most precise unit that fits 8 digits, rounded up (grpc-go)',
  async (t) => {
    const cases: [number, string][] = [
      [0.000001, '1n'],
      [0.0000001, '1n'], // a positive time is never sent as 0
      [Number.MIN_VALUE, '1n'],
      [0.0015, '1500n'],
      [1, '1000000n'],
      [1.1, '1100000n'], // not 1100001n: floating-point noise is not rounded up
      [99, '99000000n'],
      [99.999999, '99999999n'],
      [99.9999991, '100000u'], // 99999999.1n needs rounding up past 8 digits: next unit
      [100, '100000u'],
      [1000, '1000000u'],
      [99_999.999, '99999999u'],
      [100_000, '100000m'],
      [1_000_000, '1000000m'],
      [99_999_999, '99999999m'],
      [100_000_000, '100000S'],
      [100_000_000.5, '100001S'],
      [99_999_999_000, '99999999S'],
      [99_999_999_001, '1666667M'],
      [99_999_999 * 60_000, '99999999M'],
      [99_999_999 * 60_000 + 1, '1666667H'],
      [99_999_999 * 3_600_000, '99999999H'],
      // Beyond 8 digits of hours (11,000 years) the longest timeout there is.
      [1e20, '99999999H'],
      // Expired: the server fails the call at once.
      [0, '0n'],
      [-0, '0n'],
      [-5, '0n'],
    ];
    for (const [ms, value] of cases) t.equal(formatGrpcTimeout(ms), value, `${ms} ms`);
  },
);

t.test('formatGrpcTimeout refuses NaN and Infinity', async (t) => {
  for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    t.throws(() => formatGrpcTimeout(ms), RangeError, `${ms}`);
  }
  t.throws(() => formatGrpcTimeout(Number.POSITIVE_INFINITY), {
    message:
      'a grpc-timeout must be a finite number of milliseconds, not Infinity: omit the header for no deadline',
  });
});

/** Milliseconds in the unit a formatted timeout ends with. */
const UNIT_MS: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, S: 1e3, M: 6e4, H: 3.6e6 };

t.test('property: format → parse is never shorter, and longer by less than one unit', async () => {
  const ms = fc.oneof(
    fc.double({ min: 1e-6, max: 1e13, noNaN: true }),
    fc.integer({ min: 1, max: 2 ** 40 }),
    fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 1000),
  );
  fc.assert(
    fc.property(ms, (ms) => {
      const value = formatGrpcTimeout(ms);
      const parsed = parseGrpcTimeout(value);
      const unit = UNIT_MS[value[value.length - 1]!]!;
      // "Never shorter" up to the last bits of floating point (relative 1e-14, see ceilCount).
      return parsed >= ms * (1 - 1e-13) && parsed - ms < unit;
    }),
    { numRuns: 2000 },
  );
});

t.test('property: parse → format → parse is the same time for every valid value', async () => {
  const value = fc
    .tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.constantFrom('H', 'M', 'S', 'm', 'u', 'n'))
    .map(([count, unit]) => `${count}${unit}`);
  fc.assert(
    fc.property(value, (value) => {
      const ms = parseGrpcTimeout(value);
      const again = parseGrpcTimeout(formatGrpcTimeout(ms));
      return Math.abs(again - ms) <= ms * 1e-11;
    }),
    { numRuns: 2000 },
  );
});
