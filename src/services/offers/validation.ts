// Field rules of offers.v1.OfferService (docs/contract.md §2 SetUserOffer): an offer code
// is 1–64 of [A-Z0-9_-]; a migration row's current offer may also be "" (a user with no offer yet).

import type { FieldViolation } from '../../wire/messages/google-rpc.js';
import { violation } from '../bad-request.js';

const OFFER_CODE = /^[A-Z0-9_-]{1,64}$/;

export const isOfferCode = (value: string): boolean => OFFER_CODE.test(value);

export function checkOfferCode(value: string, field: string): FieldViolation[] {
  return isOfferCode(value)
    ? []
    : [violation(field, 'must be 1 to 64 characters of A-Z, 0-9, "_" or "-"')];
}

export function checkUserId(value: string, field = 'user_id'): FieldViolation[] {
  return value === '' ? [violation(field, 'must not be empty')] : [];
}

/**
 * Why a migration row is invalid, as one sentence for its RowError, or undefined if it is valid.
 * Checked before the user is looked up (docs/contract.md §2: invalid and unknown is INVALID, not unknown).
 */
export function invalidRowReason(
  userId: string,
  currentOffer: string,
  targetOffer: string,
): string | undefined {
  const problems: string[] = [];
  if (userId === '') problems.push('user_id is empty');
  if (currentOffer !== '' && !isOfferCode(currentOffer)) {
    problems.push(
      `current_offer "${currentOffer}" is not an offer code (1-64 of A-Z 0-9 _ -) or ""`,
    );
  }
  if (!isOfferCode(targetOffer)) {
    problems.push(`target_offer "${targetOffer}" is not an offer code (1-64 of A-Z 0-9 _ -)`);
  }
  return problems.length === 0 ? undefined : `invalid row: ${problems.join('; ')}`;
}
