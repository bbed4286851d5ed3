// Channel targets: `host:port`, `dns:///host:port`, `unix:/path`, or a list of them
// (grpc doc/naming.md, "Name Syntax"); and `memory:<n>`, a server listening in memory
// (transport/in-memory.ts).

import { IN_MEMORY_SCHEME } from '../transport/in-memory.js';

/** One address a channel can connect to. */
export type Address =
  | {
      readonly kind: 'tcp';
      readonly host: string;
      readonly port: number;
      readonly label: string;
      /** The host name this IP address was resolved from, if any (resolver.ts): TLS checks it. */
      readonly name?: string;
    }
  | { readonly kind: 'unix'; readonly path: string; readonly label: string }
  | { readonly kind: 'memory'; readonly label: string };

/** The port a target without one gets, as in grpc core (naming.md: "the port defaults to 443"). */
const DEFAULT_PORT = 443;

/**
 * Parses a target (or several) into addresses. Names are resolved later, by the channel
 * (resolver.ts). Throws a TypeError that names the target when it cannot be understood.
 */
export function parseTarget(target: string | readonly string[]): Address[] {
  const targets = typeof target === 'string' ? [target] : target;
  if (targets.length === 0) throw new TypeError('a channel needs at least one target address');
  return targets.map(parseOne);
}

function parseOne(target: string): Address {
  if (target.startsWith(IN_MEMORY_SCHEME)) return { kind: 'memory', label: target };
  if (target.startsWith('unix:')) {
    // unix:path, unix:/abs/path and unix:///abs/path all name a socket file.
    const path = target.startsWith('unix://') ? target.slice('unix://'.length) : target.slice(5);
    if (path === '') throw new TypeError(`target ${JSON.stringify(target)} names no socket path`);
    return { kind: 'unix', path, label: `unix:${path}` };
  }
  let hostPort = target;
  if (target.startsWith('dns:')) {
    hostPort = target.slice('dns:'.length);
    // dns://authority/host:port: the DNS server authority is not supported and is ignored.
    if (hostPort.startsWith('//')) hostPort = hostPort.slice(hostPort.indexOf('/', 2) + 1);
  } else if (target.startsWith('ipv4:') || target.startsWith('ipv6:')) {
    hostPort = target.slice(5);
  }
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw new TypeError(`target ${JSON.stringify(target)} has an unclosed [`);
    host = hostPort.slice(1, close);
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      throw new TypeError(`target ${JSON.stringify(target)}: expected ":port" after "]"`);
    }
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    // More than one colon without brackets is a bare IPv6 address with no port.
    if (colon === -1 || hostPort.indexOf(':') !== colon) {
      host = hostPort;
    } else {
      host = hostPort.slice(0, colon);
      portText = hostPort.slice(colon + 1);
    }
  }
  if (host === '') throw new TypeError(`target ${JSON.stringify(target)} names no host`);
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText ?? '443') || port > 65535) {
    throw new TypeError(
      `target ${JSON.stringify(target)} has port ${JSON.stringify(portText)}: use a number 0-65535`,
    );
  }
  const label = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { kind: 'tcp', host, port, label };
}
