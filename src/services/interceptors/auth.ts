// Auth: Bearer HS256 JWTs (RFC 6750 §2.1, RFC 7519) and the role table of docs/contract.md §4.

import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { ServerCallContext } from '../../server/call-context.js';
import type { ServerInterceptor } from '../../server/interceptor.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { Status } from '../../transport/status.js';
import { EXEMPT_SERVICES, isInServices } from './method-path.js';

/** The role names a token's `role` claim may hold (user.proto's Role, less ROLE_UNSPECIFIED). */
export const ROLE_NAMES = ['ROLE_USER', 'ROLE_ADMIN', 'ROLE_MODERATOR'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** Who made a call, as its verified token says. */
export interface Principal {
  readonly sub: string;
  readonly role: RoleName;
}

const ANY_ROLE: readonly RoleName[] = ['ROLE_USER', 'ROLE_MODERATOR', 'ROLE_ADMIN'];
const WRITERS: readonly RoleName[] = ['ROLE_MODERATOR', 'ROLE_ADMIN'];
const ADMIN: readonly RoleName[] = ['ROLE_ADMIN'];

/**
 * docs/contract.md §4: which roles may call each method, by path. Reads are open to any role, writes to
 * moderators and admins, deletion and migration to admins. A method not listed here is refused to
 * every role, so a method added to a service stays closed until someone decides who may call it.
 */
export const ROLE_TABLE: ReadonlyMap<string, readonly RoleName[]> = new Map([
  ['/user.UserService/GetUser', ANY_ROLE],
  ['/user.UserService/ListUsers', ANY_ROLE],
  ['/offers.v1.OfferService/GetUserOffer', ANY_ROLE],
  ['/offers.v1.OfferService/WatchOfferEvents', ANY_ROLE],
  ['/user.UserService/CreateUser', WRITERS],
  ['/user.UserService/BatchCreateUsers', WRITERS],
  ['/user.UserService/StreamUserUpdates', WRITERS],
  ['/offers.v1.OfferService/SetUserOffer', WRITERS],
  ['/user.UserService/DeleteUser', ADMIN],
  ['/offers.v1.OfferService/MigrateOffers', ADMIN],
]);

export interface AuthOptions {
  /** The HS256 key: a string (its UTF-8 bytes) or the bytes themselves. */
  secret: string | Uint8Array;
  /** Services that need no token (default: health and both reflection versions). */
  exempt?: readonly string[];
  /** Roles allowed per method path (default: ROLE_TABLE). */
  roles?: ReadonlyMap<string, readonly RoleName[]>;
}

const principals = new WeakMap<ServerCallContext, Principal>();

/** The verified caller of a call that passed `authInterceptor`; undefined for exempt calls. */
export function principalOf(context: ServerCallContext): Principal | undefined {
  return principals.get(context);
}

/**
 * Authenticates every call outside the exempt services (UNAUTHENTICATED with a sentence saying
 * what was wrong with the token), then authorizes it by the role table (PERMISSION_DENIED naming
 * the role needed), and exposes the caller through `principalOf`.
 */
export function authInterceptor(options: AuthOptions): ServerInterceptor {
  const key =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  if (key.length === 0) {
    throw new TypeError('authInterceptor needs a secret: an HS256 key cannot be empty');
  }
  const exempt = new Set(options.exempt ?? EXEMPT_SERVICES);
  const roles = options.roles ?? ROLE_TABLE;
  const verified = new VerifiedTokens();

  return (next) => async (call) => {
    const path = call.method.path;
    if (isInServices(path, exempt)) return next(call);
    const principal = await verifyBearer(call.context.metadata.get('authorization'), key, verified);
    const allowed = roles.get(path);
    if (allowed === undefined) {
      throw new GrpcError(
        Status.PERMISSION_DENIED,
        `${path} is open to no role: the server's role table does not list it`,
      );
    }
    if (!allowed.includes(principal.role)) {
      throw new GrpcError(
        Status.PERMISSION_DENIED,
        `${path} needs ${allowed.join(' or ')}; this token's role is ${principal.role}`,
      );
    }
    principals.set(call.context, principal);
    return next(call);
  };
}

function unauthenticated(message: string, cause?: unknown): GrpcError {
  return new GrpcError(Status.UNAUTHENTICATED, message, { cause });
}

/**
 * Tokens already verified, with their principal, until they expire. A client sends the same token
 * with call after call, and an HMAC check through WebCrypto costs several times a whole unary call;
 * the exact token string is the key, so a hit is a token whose signature was checked. Bounded: the
 * oldest entry goes when the map is full.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();
  constructor(private readonly capacity = 10_000) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (Date.now() < entry.expiresAt) return entry.principal;
    // Expired: forget it, and let jose say so.
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, principal: Principal, exp: number): void {
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, { principal, expiresAt: exp * 1000 });
  }
}

/** Checks an `authorization` value and its token; the principal, or an UNAUTHENTICATED error. */
async function verifyBearer(
  header: string | undefined,
  key: Uint8Array,
  verified: VerifiedTokens,
): Promise<Principal> {
  if (header === undefined || header.trim() === '') {
    throw unauthenticated('this call needs a token: send metadata "authorization: Bearer <JWT>"');
  }
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (match === null || match[1]!.toLowerCase() !== 'bearer') {
    throw unauthenticated(
      'the authorization metadata is malformed: it must be "Bearer " followed by a JWT',
    );
  }
  const token = match[2]!;
  const known = verified.get(token);
  if (known !== undefined) return known;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (error) {
    throw unauthenticated(whyRejected(error, token), error);
  }
  const { sub, role } = payload;
  if (typeof sub !== 'string' || sub === '') {
    throw unauthenticated('the bearer token\'s "sub" claim must be a non-empty string');
  }
  if (role === undefined) {
    throw unauthenticated(
      `the bearer token has no "role" claim; it must be one of ${ROLE_NAMES.join(', ')}`,
    );
  }
  if (!(ROLE_NAMES as readonly unknown[]).includes(role)) {
    throw unauthenticated(
      `the bearer token's role ${shown(role)} is not one of ${ROLE_NAMES.join(', ')}`,
    );
  }
  const principal: Principal = { sub, role: role as RoleName };
  // jose checked that exp is a number (requiredClaims and its own exp validation).
  verified.set(token, principal, payload.exp as number);
  return principal;
}

/** A sentence saying why jose refused the token. */
function whyRejected(error: unknown, token: string): string {
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    const when = typeof exp === 'number' ? ` at ${new Date(exp * 1000).toISOString()}` : '';
    return `the bearer token expired${when}: get a new one`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return error.claim === 'exp'
        ? 'the bearer token has no "exp" claim: tokens must expire'
        : `the bearer token has no "${error.claim}" claim`;
    }
    if (error.claim === 'nbf')
      return 'the bearer token is not valid yet (its "nbf" is in the future)';
    return `the bearer token's "${error.claim}" claim is invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    // jose parsed the header to refuse its alg, so decoding it again cannot fail.
    const alg = decodeProtectedHeader(token).alg;
    return alg === 'none'
      ? 'the bearer token is not signed (alg "none"); this server accepts only HS256-signed tokens'
      : `the bearer token is signed with alg ${shown(alg)}; this server accepts only HS256`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return "the bearer token's signature does not verify: it was not signed with this server's secret";
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'the bearer token is not a well-formed JWT (header.claims.signature, each base64url)';
  }
  return 'the bearer token could not be verified';
}

/** A claim value for a message: JSON, cut short so a client cannot make the message huge. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
