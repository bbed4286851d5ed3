// The PEM files of the TLS flags, checked when read: a file that is no certificate or no key, or a
// key that does not belong to its certificate, is a sentence naming the flag and the file rather
// than OpenSSL's "PEM routines::no start line" from deep inside a listen or a connect.

import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFlagFile, UsageError } from './usage-error.js';

/** A PEM file read for a flag. */
export interface FlagPem {
  flag: string;
  path: string;
  pem: string;
}

/** Reads the file `flag` names and checks it holds a certificate (the first of a bundle). */
export function readCertificateFlag(flag: string, path: string): FlagPem {
  const pem = readFlagFile(flag, path);
  certificateOf({ flag, path, pem });
  return { flag, path, pem };
}

/** Reads the file `flag` names and checks it holds an unencrypted private key. */
export function readKeyFlag(flag: string, path: string): FlagPem {
  const pem = readFlagFile(flag, path);
  privateKeyOf({ flag, path, pem });
  return { flag, path, pem };
}

/** Checks that `key` is the private key of `cert`'s public key. */
export function checkKeyMatches(cert: FlagPem, key: FlagPem): void {
  if (!certificateOf(cert).checkPrivateKey(privateKeyOf(key))) {
    throw new UsageError(
      `${key.flag} ${key.path} is not the key of ${cert.flag} ${cert.path} (their public keys ` +
        'differ): give the private key the certificate was issued for',
    );
  }
}

function certificateOf(file: FlagPem): X509Certificate {
  if (!file.pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(
      `${file.flag} ${file.path} holds no certificate: a PEM file with a ` +
        `"-----BEGIN CERTIFICATE-----" line is needed${looksLikeKey(file.pem) ? ' (this one holds a private key; did you swap --tls-cert and --tls-key?)' : ''}`,
    );
  }
  try {
    return new X509Certificate(file.pem);
  } catch (error) {
    throw new UsageError(
      `${file.flag} ${file.path} holds a damaged certificate (${reasonOf(error)}): give the PEM file as it was issued`,
    );
  }
}

function privateKeyOf(file: FlagPem): KeyObject {
  if (!looksLikeKey(file.pem)) {
    throw new UsageError(
      `${file.flag} ${file.path} holds no private key: a PEM file with a ` +
        `"-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY) line is needed`,
    );
  }
  try {
    return createPrivateKey(file.pem);
  } catch (error) {
    const reason = reasonOf(error);
    if (/passphrase/i.test(reason) || file.pem.includes('ENCRYPTED')) {
      throw new UsageError(
        `${file.flag} ${file.path} is encrypted with a passphrase: give an unencrypted key ` +
          '(openssl pkey -in KEY -out PLAIN)',
      );
    }
    throw new UsageError(
      `${file.flag} ${file.path} holds a damaged private key (${reason}): give the PEM file as it was made`,
    );
  }
}

function looksLikeKey(pem: string): boolean {
  return /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem);
}

/** OpenSSL's reason without its "error:0480006C:PEM routines::" prefix. */
function reasonOf(error: unknown): string {
  return (error as Error).message.replace(/^error:[0-9A-F]+:[^:]*::?/, '');
}
