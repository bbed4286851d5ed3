// How `handwire migrate` reaches the server: --server, --token (a bearer JWT, docs/contract.md §4) and
// the TLS flags, checked once and turned into a target, channel options and call metadata.

import { type ChannelOptions, Metadata } from '../index.js';
import { checkKeyMatches, readCertificateFlag, readKeyFlag } from './tls-files.js';
import { parseTimeoutFlag, UsageError } from './usage-error.js';

/** The flags as commander hands them over (strings until checked here). */
export interface ConnectionFlags {
  server: string;
  /** From --token or HANDWIRE_TOKEN (commander reads the environment). */
  token?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  connectTimeout: string;
}

export interface ServerConnection {
  /** `host:port`, as the channel takes it. */
  target: string;
  channelOptions: ChannelOptions;
  /** Sent with the call: `authorization: Bearer <token>` when a token was given. */
  metadata: Metadata;
}

export function checkConnectionFlags(flags: ConnectionFlags): ServerConnection {
  if (!/^[^\s/]+:\d{1,5}$/.test(flags.server)) {
    throw new UsageError(
      `--server must be host:port (like 127.0.0.1:50051), not "${flags.server}"`,
    );
  }
  const metadata = new Metadata();
  if (flags.token !== undefined) {
    const token = flags.token.replace(/^Bearer\s+/i, '').trim();
    if (token === '' || /\s/.test(token)) {
      throw new UsageError('--token must be the token itself (a JWT), without spaces');
    }
    metadata.set('authorization', `Bearer ${token}`);
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  }
  const useTls =
    flags.tls === true ||
    flags.tlsCa !== undefined ||
    flags.tlsCert !== undefined ||
    flags.tlsServerName !== undefined;
  const channelOptions: ChannelOptions = {
    connectTimeoutMs: parseTimeoutFlag('--connect-timeout', flags.connectTimeout) * 1000,
  };
  if (useTls) {
    // Without --tls-ca the server's certificate is checked against Node's bundled roots.
    const cert =
      flags.tlsCert === undefined ? undefined : readCertificateFlag('--tls-cert', flags.tlsCert);
    const key = flags.tlsKey === undefined ? undefined : readKeyFlag('--tls-key', flags.tlsKey);
    if (cert !== undefined && key !== undefined) checkKeyMatches(cert, key);
    channelOptions.tls = {
      ca: flags.tlsCa === undefined ? undefined : readCertificateFlag('--tls-ca', flags.tlsCa).pem,
      cert: cert?.pem,
      key: key?.pem,
      serverName: flags.tlsServerName,
    };
  }
  return { target: flags.server, channelOptions, metadata };
}
