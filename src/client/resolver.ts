// Name resolution: a target's host names to every address they have, as grpc's DNS resolver
// gives them to the load-balancing policy (grpc doc/naming.md; node:dns lookup with all: true).

import dns from 'node:dns';
import net from 'node:net';
import { GrpcError } from '../transport/grpc-error.js';
import { Status } from '../transport/status.js';
import type { Address } from './target.js';

/** grpc.dns_min_time_between_resolutions_ms: re-resolution happens at most this often. 30 s. */
export const DEFAULT_MIN_TIME_BETWEEN_RESOLUTIONS_MS = 30_000;

/** The lookup used, replaceable in tests: node:dns `lookup(host, { all: true })`. */
export type LookupAll = (host: string) => Promise<readonly { address: string; family: number }[]>;

const systemLookup: LookupAll = (host) => dns.promises.lookup(host, { all: true });

/** True when some address names a host that must be resolved (not an IP literal, not a path). */
export function needsResolution(addresses: readonly Address[]): boolean {
  return addresses.some((address) => address.kind === 'tcp' && net.isIP(address.host) === 0);
}

/**
 * Every address of `targets`: IP literals and unix paths as they are, each host name as all of
 * its addresses in the order the system gives them (`localhost` → 127.0.0.1 and ::1). A resolved
 * address keeps the name in `name`, for TLS. Fails UNAVAILABLE only when nothing resolves.
 */
export async function resolveAddresses(
  targets: readonly Address[],
  lookup: LookupAll = systemLookup,
): Promise<Address[]> {
  // Every name is looked up at once: a slow name server then costs one lookup's time, not one
  // per name. The results are used in the targets' order, whichever answers first.
  const lookups = await Promise.all(
    targets.map(async (target): Promise<Address[] | GrpcError> => {
      if (target.kind !== 'tcp' || net.isIP(target.host) !== 0) return [target];
      try {
        return (await lookup(target.host)).map(({ address: ip }) => ({
          kind: 'tcp',
          host: ip,
          port: target.port,
          label: ip.includes(':') ? `[${ip}]:${target.port}` : `${ip}:${target.port}`,
          name: target.host,
        }));
      } catch (error) {
        return describeResolveError(target, error);
      }
    }),
  );
  const resolved: Address[] = [];
  const seen = new Set<string>();
  let firstError: GrpcError | undefined;
  for (const result of lookups) {
    if (result instanceof GrpcError) {
      firstError ??= result;
      continue;
    }
    for (const address of result) {
      if (seen.has(address.label)) continue;
      seen.add(address.label);
      resolved.push(address);
    }
  }
  if (resolved.length === 0) {
    throw firstError ?? new GrpcError(Status.UNAVAILABLE, 'the target resolved to no address');
  }
  return resolved;
}

function describeResolveError(target: Address, error: unknown): GrpcError {
  const code = (error as { code?: unknown } | null)?.code;
  const hint =
    code === 'ENOTFOUND'
      ? ' (the host name does not resolve)'
      : code === 'EAI_AGAIN'
        ? ' (the host name could not be resolved now)'
        : '';
  const why = typeof code === 'string' ? code : String(error);
  return new GrpcError(Status.UNAVAILABLE, `resolving ${target.label} failed: ${why}${hint}`, {
    cause: error,
  });
}
