// The one check every numeric option goes through, client and server (docs/design.md "Errors and
// options": options are checked once, defaults filled in one place), so a bad value reads the same
// wherever it was given: "<owner> option <name> must be a number above 0, got -1".

/** What a numeric option accepts: above a bound, or at least one; `finite` rules out Infinity. */
export interface NumberRule {
  readonly above?: number;
  readonly atLeast?: number;
  readonly finite?: boolean;
}

/** Durations and limits that must be set to something: Infinity means "never" where allowed. */
export const ABOVE_ZERO: NumberRule = { above: 0 };
/** Counts and durations where 0 means "none" or "at once". */
export const ZERO_OR_MORE: NumberRule = { atLeast: 0 };

/**
 * Returns `value`, or `fallback` when it is undefined; throws a RangeError naming the option
 * when it is not a number the rule accepts (NaN included: it would compare false everywhere).
 */
export function numberOption(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  rule: NumberRule,
): number {
  if (value === undefined) return fallback;
  const accepted =
    typeof value === 'number' &&
    (rule.above === undefined || value > rule.above) &&
    (rule.atLeast === undefined || value >= rule.atLeast) &&
    (rule.finite !== true || Number.isFinite(value));
  if (accepted) return value;
  const bound = rule.above !== undefined ? `above ${rule.above}` : `of ${rule.atLeast} or more`;
  const kind = rule.finite === true ? 'a finite number' : 'a number';
  throw new RangeError(`${owner} option ${name} must be ${kind} ${bound}, got ${String(value)}`);
}
