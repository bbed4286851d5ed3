// The grpc-timeout header (grpc PROTOCOL-HTTP2.md "Requests", Timeout → TimeoutValue TimeoutUnit).
//
//   grpc-timeout = 1*8DIGIT ( "H" / "M" / "S" / "m" / "u" / "n" )
//
// Times here are milliseconds, as JavaScript timers and Date.now() count them.

/** Milliseconds in one of each unit. */
const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** The largest TimeoutValue: "positive integer as ASCII string of at most 8 digits". */
const MAX_TIMEOUT_VALUE = 99_999_999;

const EXPECTED = 'expected 1-8 digits followed by one of H M S m u n';

/** A grpc-timeout header that does not follow the grammar; the server answers INTERNAL. */
export class MalformedTimeoutError extends Error {
  override readonly name: string = 'MalformedTimeoutError';
  constructor(
    readonly value: string,
    problem: string,
  ) {
    super(`grpc-timeout ${JSON.stringify(value)} is malformed: ${problem}`);
  }
}

/** What is wrong with a value that failed the grammar, in words. */
function describeProblem(value: string): string {
  if (value === '') return `it is empty; ${EXPECTED}`;
  const unit = value[value.length - 1]!;
  const digits = value.slice(0, -1);
  if (!(unit in UNIT_MS)) return `${JSON.stringify(unit)} is not a unit; ${EXPECTED}`;
  if (digits === '') return `the unit has no digits before it; ${EXPECTED}`;
  if (/^[0-9]+$/.test(digits)) return `it has ${digits.length} digits, at most 8 are allowed`;
  return EXPECTED;
}

/**
 * Parses a grpc-timeout value into milliseconds. Sub-millisecond units give a fraction (`1500u`
 * is 1.5); callers that arm a timer round as they need. `0` of any unit is 0: the deadline has
 * already passed (grpc-go fails such a call with DEADLINE_EXCEEDED at once). Leading zeros are
 * accepted, as grpc-go accepts them. Throws MalformedTimeoutError naming what was wrong.
 */
export function parseGrpcTimeout(value: string): number {
  if (!/^[0-9]{1,8}[HMSmun]$/.test(value)) {
    throw new MalformedTimeoutError(value, describeProblem(value));
  }
  const count = Number(value.slice(0, -1));
  const unit = value[value.length - 1]!;
  // Dividing by the exact integer 1000 or 1e6 rounds once; multiplying by 0.001 would round twice.
  if (unit === 'u') return count / 1_000;
  if (unit === 'n') return count / 1_000_000;
  return count * UNIT_MS[unit]!;
}

/** Units from the most precise to the least, in nanoseconds so the arithmetic stays integral. */
const UNITS_NS: readonly (readonly [string, number])[] = [
  ['n', 1],
  ['u', 1e3],
  ['m', 1e6],
  ['S', 1e9],
  ['M', 6e10],
  ['H', 3.6e12],
];

/**
 * Formats a remaining time in milliseconds as a grpc-timeout value, as grpc-go's EncodeDuration
 * does: the most precise unit whose count fits in 8 digits, the count rounded UP so the server
 * never sees a shorter deadline than the client's (`1ms` → `1000000n`, `2.5h` → `9000000S`).
 * Zero or a negative time is `0n`: already expired, the server fails the call at once.
 * A positive time is never 0: the smallest is `1n`. Throws a RangeError for NaN or Infinity
 * (a call without a deadline sends no grpc-timeout at all).
 */
export function formatGrpcTimeout(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `a grpc-timeout must be a finite number of milliseconds, not ${ms}: omit the header for no deadline`,
    );
  }
  if (ms <= 0) return '0n';
  const ns = ms * 1e6;
  for (const [unit, unitNs] of UNITS_NS) {
    const count = ceilCount(ns / unitNs);
    if (count <= MAX_TIMEOUT_VALUE) return `${count}${unit}`;
  }
  // Even hours need more than 8 digits (over 11,000 years): send the longest timeout there is.
  return `${MAX_TIMEOUT_VALUE}H`;
}

/**
 * Rounds a count of units up, ignoring the last bits of floating-point noise: 1.1 ms is
 * 1100000.0000000002 ns in binary floating point, and that should be `1100000n`, not `1100001n`.
 * The allowance is relative, 1e-14 (some 45 ulps): at most a millionth of a unit for any count
 * that fits in 8 digits, so a real excess of even 1 ns still rounds up.
 */
function ceilCount(count: number): number {
  return Math.max(1, Math.ceil(count * (1 - 1e-14)));
}
