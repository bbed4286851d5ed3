// `handwire migrate FILE.csv`: uploads a CSV of user_id,current_offer,target_offer as one
// offers.v1.OfferService/MigrateOffers client stream and prints the report (docs/contract.md §2
// MigrateOffers, §4 auth; README "handwire migrate").
//
// Exit codes: 0 every row migrated or skipped; 1 a row failed or a line was malformed; 2 a usage
// or I/O error (bad flag, unreadable file, bad header, unreachable or refusing server); 130 when
// interrupted (Ctrl-C), the shell's convention for SIGINT.

import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createChannel, createClient, GrpcError, Status, statusName } from '../index.js';
import { OfferServiceDefinition } from '../services/offers/offer-service-definition.js';
import {
  type ConnectionFlags,
  checkConnectionFlags,
  type ServerConnection,
} from './migrate-connection.js';
import { MigrationCsv } from './migrate-csv.js';
import { UploadProgress } from './migrate-progress.js';
import { exitCodeOf, formatReport } from './migrate-report.js';
import { cannotRead, UsageError } from './usage-error.js';

export type MigrateFlags = ConnectionFlags;

/** The file to upload: a path, or `-` for standard input. */
interface Input {
  stream: Readable;
  /** Its size in bytes; undefined for standard input. */
  size: number | undefined;
  name: string;
  close(): Promise<void>;
}

const count = new Intl.NumberFormat('en-US');

export async function migrate(file: string, flags: MigrateFlags): Promise<void> {
  const connection = checkConnectionFlags(flags);
  const input = await openInput(file);
  try {
    const csv = new MigrationCsv(input.stream, input.name);
    // Checked before connecting: a file that is not a migration file never reaches the server.
    if (!(await csv.readHeader())) {
      throw new UsageError(
        `${input.name} is empty: a migration file starts with the header ` +
          'user_id,current_offer,target_offer (npx handwire gen-csv writes one)',
      );
    }
    process.exitCode = await upload(csv, input, connection);
  } finally {
    await input.close();
  }
}

async function upload(
  csv: MigrationCsv,
  input: Input,
  connection: ServerConnection,
): Promise<number> {
  const channel = createChannel(connection.target, connection.channelOptions);
  const client = createClient(OfferServiceDefinition, channel);
  // Whether the server was ever reached: "cannot reach" and "failed midway" are different advice.
  let connected = false;
  const stopWatching = channel.onStateChange((state) => {
    if (state === 'ready') connected = true;
  });
  const interrupt = new AbortController();
  // Once: a second Ctrl-C gets Node's default and ends the process at once.
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  const progress = new UploadProgress(
    { rows: () => csv.rowsRead, bytes: () => csv.bytesRead },
    process.stderr,
    { totalBytes: input.size },
  );
  const startedAt = performance.now();
  progress.start();
  try {
    const report = await client.MigrateOffers(csv.rows(), {
      metadata: connection.metadata,
      signal: interrupt.signal,
    });
    progress.stop();
    const outcome = {
      file: input.name,
      report,
      rowsSent: csv.rowsRead,
      malformed: csv.malformed,
      malformedListed: csv.malformedListed,
      lineOf: (row: number) => csv.lineMap.lineOf(row),
      elapsedMs: performance.now() - startedAt,
    };
    console.log(formatReport(outcome).join('\n'));
    return exitCodeOf(outcome);
  } catch (error) {
    progress.stop();
    if (csv.failure !== undefined) {
      throw new UsageError(`${csv.failure.message}; ${appliedSoFar(csv.rowsRead)}`);
    }
    if (interrupt.signal.aborted) {
      console.error(`handwire: interrupted: ${appliedSoFar(csv.rowsRead)}`);
      return 130;
    }
    throw new UsageError(describeCallError(error, connection, connected, csv.rowsRead));
  } finally {
    stopWatching();
    process.off('SIGINT', onSigint);
    channel.close();
  }
}

/** What a user needs to know about the rows of an upload that ended early. */
function appliedSoFar(rowsSent: number): string {
  if (rowsSent === 0) return 'no row was sent';
  return (
    `${count.format(rowsSent)} ${rowsSent === 1 ? 'row was' : 'rows were'} sent; those the ` +
    'server received stay applied, and uploading the file again is safe (rows already migrated ' +
    'are skipped)'
  );
}

/** A failed call as one sentence: where, why, and what to do about it. */
function describeCallError(
  error: unknown,
  connection: ServerConnection,
  connected: boolean,
  rowsSent: number,
): string {
  const failure = GrpcError.from(error);
  const target = connection.target;
  const where = `the server at ${target}`;
  if (!connected && failure.code === Status.UNAVAILABLE) {
    return `cannot reach ${where}: ${connectAdvice(failure.message, connection)}`;
  }
  switch (failure.code) {
    case Status.UNAUTHENTICATED:
      return `${where} wants a valid token: ${failure.message}; give one with --token or HANDWIRE_TOKEN`;
    case Status.PERMISSION_DENIED:
      return (
        `${where} refused the upload: ${failure.message}; ` +
        'npx handwire token --role ROLE_ADMIN --sub NAME --secret SECRET mints one to pass with --token'
      );
    case Status.UNIMPLEMENTED:
      return `${where} does not serve offers.v1.OfferService/MigrateOffers: ${failure.message}`;
    default:
      return `the upload to ${where} failed with ${statusName(failure.code)}: ${failure.message}. ${appliedSoFar(rowsSent)}`;
  }
}

/**
 * Why a connect failed and what to do, in the command's own terms: its flags (--tls, --tls-ca,
 * --tls-server-name), not the channel options the library names (tls.ca, tls.serverName). Only a
 * refused or timed-out connect asks whether handwire serve runs there; a peer that answered
 * something else is there.
 */
export function connectAdvice(message: string, connection: ServerConnection): string {
  const tls = connection.channelOptions.tls !== undefined;
  const host = connection.target.replace(/:\d+$/, '');
  if (/ERR_HTTP2_ERROR|ERR_HTTP2_SESSION_ERROR|PROTOCOL_ERROR/.test(message)) {
    return (
      'it does not speak HTTP/2 (an HTTP/1 web server answers there?); --server must name a ' +
      'gRPC server such as handwire serve'
    );
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) {
    return `the host name ${host} does not resolve; check --server`;
  }
  if (/TLS handshake/.test(message)) {
    const reason = message
      .replace(/: set tls\.ca\b/, '')
      .replace(/: fix the target or set tls\.serverName\b/, '')
      .replace(/\bset tls\.ca\b/g, 'give --tls-ca')
      .replace(/\btls\.serverName\b/g, '--tls-server-name');
    if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
      return `${reason}; the server answers without TLS: drop --tls and the --tls-* flags`;
    }
    if (/ALTNAME|altnames|does not name this host/i.test(message)) {
      return `${reason}; give the name its certificate holds with --tls-server-name, or use that name in --server`;
    }
    if (/CERT|certificate|signed|verify/i.test(message)) {
      return `${reason}; give the CA that signed its certificate with --tls-ca`;
    }
    return reason;
  }
  if (!tls && /before HTTP\/2 SETTINGS|ECONNRESET|socket hang up/.test(message)) {
    return `${message}; if it serves TLS, add --tls (and --tls-ca FILE for a private CA)`;
  }
  return `${message}; is handwire serve running there (--server)?`;
}

async function openInput(file: string): Promise<Input> {
  if (file === '-') {
    return {
      stream: process.stdin,
      size: undefined,
      name: 'standard input',
      close: async () => {
        process.stdin.destroy();
      },
    };
  }
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw cannotRead(file, error);
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new UsageError(`cannot read ${file}: it is not a regular file`);
  }
  const stream = handle.createReadStream();
  return {
    stream,
    size: stats.size,
    name: file,
    close: async () => {
      stream.destroy();
      await handle.close().catch(() => {});
    },
  };
}
