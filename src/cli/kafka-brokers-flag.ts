// A list of Kafka bootstrap brokers given on the command line, `host:port[,host:port…]`, as
// Kafka's bootstrap.servers takes it; an IPv6 address goes in brackets, `[::1]:9092`.

import { isIP } from 'node:net';
import { UsageError } from './usage-error.js';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** The brokers of `value`, each checked; a malformed one is a UsageError naming `flag`. */
export function parseKafkaBrokersFlag(flag: string, value: string): BrokerAddress[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (value.trim() === '' || entries.some((entry) => entry === '')) {
    throw new UsageError(
      `${flag} takes host:port[,host:port…] (e.g. 127.0.0.1:9092), got ${JSON.stringify(value)}`,
    );
  }
  return entries.map((entry) => parseBroker(flag, entry));
}

function parseBroker(flag: string, entry: string): BrokerAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  const bad = (why: string) =>
    new UsageError(
      `${flag}: ${JSON.stringify(entry)} ${why}; give host:port[,host:port…] (e.g. 127.0.0.1:9092, [::1]:9092)`,
    );
  if (match === null || host === undefined) {
    const unbracketedIpv6 = !entry.startsWith('[') && entry.split(':').length > 2;
    throw bad(unbracketedIpv6 ? 'is an IPv6 address without brackets' : 'is not host:port');
  }
  if (match[1] !== undefined && isIP(host) !== 6)
    throw bad('has brackets around something other than an IPv6 address');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('has a port outside 1–65535');
  return { host, port };
}
