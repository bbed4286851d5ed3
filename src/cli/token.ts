// `handwire token`: mints the HS256 JWT that `handwire serve --auth-secret` verifies (claims
// `sub`, `role`, `exp`; docs/contract.md "Auth and roles"), so no separate JWT tool is needed.

import { SignJWT } from 'jose';
import { ROLE_NAMES } from '../services/interceptors/auth.js';
import { UsageError } from './usage-error.js';

export interface TokenFlags {
  /** From --secret or HANDWIRE_AUTH_SECRET (commander reads the environment). */
  secret?: string;
  role: string;
  sub: string;
  ttl: string;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** The most a token may live: a year. A longer-lived bearer token is a standing risk. */
const MAX_TTL_SECONDS = 366 * 86_400;

/** `--ttl`: seconds, or a number with s, m, h or d (`90s`, `15m`, `12h`, `7d`). */
export function parseTtl(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * UNIT_SECONDS[match[2] || 's']!;
  if (!(seconds > 0) || seconds > MAX_TTL_SECONDS) {
    throw new UsageError(
      `--ttl must be a duration above 0 and at most 366d, like 3600, 90s, 15m, 12h or 7d, not "${value}"`,
    );
  }
  return seconds;
}

export interface CheckedToken {
  secret: string;
  role: string;
  sub: string;
  ttlSeconds: number;
}

export function checkTokenFlags(flags: TokenFlags): CheckedToken {
  const secret = flags.secret;
  if (secret === undefined || secret === '') {
    throw new UsageError(
      'token needs --secret (or HANDWIRE_AUTH_SECRET): the same secret handwire serve was given with --auth-secret',
    );
  }
  if (secret.length < 16) {
    throw new UsageError(
      '--secret must be at least 16 characters, as handwire serve --auth-secret requires',
    );
  }
  if (!(ROLE_NAMES as readonly string[]).includes(flags.role)) {
    throw new UsageError(`--role must be one of ${ROLE_NAMES.join(', ')}, not "${flags.role}"`);
  }
  if (flags.sub.trim() === '') {
    throw new UsageError('--sub must name the caller (it keys the rate limit), not be empty');
  }
  return { secret, role: flags.role, sub: flags.sub, ttlSeconds: parseTtl(flags.ttl) };
}

/** The signed JWT: header {alg: HS256, typ: JWT}, claims sub, role, iat and exp. */
export async function mintToken(token: CheckedToken, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ role: token.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(token.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + token.ttlSeconds)
    .sign(new TextEncoder().encode(token.secret));
}

/** Prints the token alone on standard output, for `--token "$(handwire token …)"`. */
export async function token(flags: TokenFlags): Promise<void> {
  console.log(await mintToken(checkTokenFlags(flags)));
}
