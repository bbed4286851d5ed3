// Client TLS: the channel's `tls` option, the node:tls options it becomes, and a failed handshake
// in words (grpc PROTOCOL-HTTP2.md "Connection": HTTP/2 over TLS with ALPN "h2"; RFC 9113 §3.2).

import type { SecureClientSessionOptions } from 'node:http2';
import net from 'node:net';
import { GrpcError } from '../transport/grpc-error.js';
import { Status } from '../transport/status.js';
import type { Address } from './target.js';

/** TLS for a channel; its presence alone means TLS (`https`, ALPN `h2`). */
export interface ClientTlsOptions {
  /** Trusted root certificates (PEM); default Node's bundled roots. */
  ca?: string | Buffer;
  /** A client certificate (PEM) for mutual TLS, with its `key`. */
  cert?: string | Buffer;
  /** The private key (PEM) of `cert`. */
  key?: string | Buffer;
  /**
   * grpc.ssl_target_name_override: the name sent as SNI and checked against the server's
   * certificate instead of the target's host. As in grpc-go, it is also the calls' :authority.
   */
  serverName?: string;
}

/** Checks the option once, at createChannel, so a mistake fails there rather than in a call. */
export function checkTlsOptions(tls: ClientTlsOptions): void {
  for (const field of ['ca', 'cert', 'key'] as const) {
    const value = tls[field];
    if (value !== undefined && typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new TypeError(`tls.${field} must be PEM text (a string or a Buffer)`);
    }
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TypeError('tls.cert and tls.key go together: give both for mutual TLS, or neither');
  }
  if (
    tls.serverName !== undefined &&
    (typeof tls.serverName !== 'string' || tls.serverName === '')
  ) {
    throw new TypeError('tls.serverName must be a non-empty host name');
  }
}

/**
 * The options for `http2.connect('https://…')` to `address`. node:http2 already offers ALPN h2
 * only; `servername` is both the SNI and the name node:tls checks the certificate against.
 */
export function secureConnectOptions(
  tls: ClientTlsOptions,
  address: Address,
): SecureClientSessionOptions {
  const options: SecureClientSessionOptions = {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    ALPNProtocols: ['h2'],
  };
  // The name the target gave, before resolution turned it into an IP address.
  const host = address.kind === 'tcp' ? (address.name ?? address.host) : 'localhost';
  // An IP address may not be sent as SNI (RFC 6066 §3); node:tls then checks the certificate's
  // IP SANs against the host it connected to.
  const name = tls.serverName ?? (net.isIP(host) === 0 ? host : undefined);
  if (name !== undefined) options.servername = name;
  return options;
}

/** Hints for the OpenSSL and node:tls codes a user most often meets. */
const TLS_HINTS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'the server certificate is not signed by a trusted CA: set tls.ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'the server certificate is not signed by a trusted CA: set tls.ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in an untrusted root: set tls.ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed: put it in tls.ca',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the server certificate does not name this host: fix the target or set tls.serverName',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS there',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the server does not speak TLS there',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    'the server requires a client certificate: set tls.cert and tls.key',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server rejected the client certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust the client certificate',
};

/**
 * True for an error of the TLS layer: OpenSSL's `ERR_SSL_*`, node:tls's `ERR_TLS_*`, or an X.509
 * verification code (`CERT_HAS_EXPIRED`, no `ERR_` prefix). A socket error names a syscall instead.
 */
export function isTlsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || 'syscall' in error) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || !code.startsWith('ERR_');
}

/** A failed handshake: UNAVAILABLE naming the address, OpenSSL's reason and what to do. */
export function describeTlsError(address: Address, error: unknown): GrpcError {
  const code = (error as { code?: unknown }).code as string;
  // OpenSSL's errors carry a short `reason` ("wrong version number"); their message is a dump.
  const shortReason = (error as { reason?: unknown }).reason;
  const reason =
    typeof shortReason === 'string'
      ? shortReason
      : error instanceof Error
        ? error.message
        : String(error);
  const hint = TLS_HINTS[code];
  return new GrpcError(
    Status.UNAVAILABLE,
    `TLS handshake with ${address.label} failed: ${reason} (${code})${hint ? `: ${hint}` : ''}`,
    { cause: error },
  );
}
