// Field rules of user.UserService (docs/contract.md §2 CreateUser, "Field rules"):
// each check returns the violations it finds, named by field, for a google.rpc.BadRequest.

import type { FieldViolation } from '../../wire/messages/google-rpc.js';
import { Role } from '../../wire/messages/user.js';
import { violation } from '../bad-request.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const MAX_EMAIL_CHARS = 254;
const MAX_FULL_NAME_CHARS = 200;

/** Lengths are counted in characters (code points), not UTF-16 units or bytes. */
export const characters = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

export function checkUsername(value: string, field = 'username'): FieldViolation[] {
  return USERNAME.test(value)
    ? []
    : [violation(field, 'must be 3 to 32 characters of letters, digits, "_", "." or "-"')];
}

/** One "@", a non-empty local part, a domain with at least one dot, no whitespace, ≤ 254 chars. */
export function checkEmail(value: string, field = 'email'): FieldViolation[] {
  const at = value.indexOf('@');
  const valid =
    characters(value) <= MAX_EMAIL_CHARS &&
    !/\s/u.test(value) &&
    at > 0 &&
    at === value.lastIndexOf('@') &&
    value.slice(at + 1).includes('.') &&
    !value.slice(at + 1).startsWith('.') &&
    !value.endsWith('.');
  return valid
    ? []
    : [
        violation(
          field,
          `must be an email address (one "@", a domain with a dot, no spaces, at most ${MAX_EMAIL_CHARS} characters)`,
        ),
      ];
}

export function checkFullName(value: string, field = 'full_name'): FieldViolation[] {
  return characters(value) <= MAX_FULL_NAME_CHARS
    ? []
    : [violation(field, `must be at most ${MAX_FULL_NAME_CHARS} characters`)];
}

/** A defined Role number; ROLE_UNSPECIFIED is allowed only where the caller says so. */
export function checkRole(
  value: number,
  field = 'role',
  allowUnspecified = true,
): FieldViolation[] {
  const defined =
    value === Role.ROLE_USER || value === Role.ROLE_ADMIN || value === Role.ROLE_MODERATOR;
  if (defined || (allowUnspecified && value === Role.ROLE_UNSPECIFIED)) return [];
  return [violation(field, 'must be ROLE_USER, ROLE_ADMIN or ROLE_MODERATOR')];
}

/** Role names as ListUsers' role_filter and StreamUserUpdates' role values spell them. */
export function roleByName(name: string): number | undefined {
  if (name === 'ROLE_USER') return Role.ROLE_USER;
  if (name === 'ROLE_ADMIN') return Role.ROLE_ADMIN;
  if (name === 'ROLE_MODERATOR') return Role.ROLE_MODERATOR;
  return undefined;
}

/** Every violation of a CreateUserRequest, fields prefixed (e.g. `requests[2].`) for batches. */
export function checkNewUser(
  request: { username: string; email: string; fullName: string; role: number },
  prefix = '',
): FieldViolation[] {
  return [
    ...checkUsername(request.username, `${prefix}username`),
    ...checkEmail(request.email, `${prefix}email`),
    ...checkFullName(request.fullName, `${prefix}full_name`),
    ...checkRole(request.role, `${prefix}role`),
  ];
}
