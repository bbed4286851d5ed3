// `handwire gen-csv`: writes a migration CSV for the users of `handwire serve --demo`, whose ids and
// first offers are reproducible (demo-data.ts), so a migration can be tried in two commands
// (README "handwire migrate"; docs/contract.md §2 MigrateOffers).
//
// Row i is for demo user i mod N, moving them from the offer --demo gave them to --target. With
// more rows than users the rows cycle over the users: each user's first row migrates them and
// every later row for them is skipped (they are on the target already). --mix replaces some rows,
// at fixed places in every hundred, by each kind of failure, to see the error report.

import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { isOfferCode } from '../services/offers/validation.js';
import { DEMO_OFFERS, DEMO_USER_COUNT, demoOffer, demoUserId } from './demo-data.js';
import { MIGRATION_HEADER } from './migrate-csv.js';
import { cannotWrite, parseIntegerFlag, UsageError } from './usage-error.js';

/** The flags as commander hands them over (strings until checked here). */
export interface GenCsvFlags {
  users: string;
  rows?: string;
  target: string;
  output?: string;
  mix?: boolean;
}

export interface GenCsvOptions {
  users: number;
  rows: number;
  target: string;
  mix: boolean;
}

/** The default target: an offer no demo user starts on, so a first upload migrates everyone. */
export const DEFAULT_TARGET = 'UNLIMITED';

/**
 * With --mix, the row at each of these places in every hundred (0-based row index mod 100) is
 * replaced by that kind of failure.
 */
export const MIX = {
  /** A UUID no demo user has: "no user has id". */
  unknownUser: 7,
  /** The user's row with a current_offer they are not on: a mismatch (until they are migrated). */
  mismatch: 23,
  /** A target_offer that is not an offer code: an invalid row. */
  invalidTarget: 42,
  /** Two columns instead of three: malformed, never sent. */
  missingColumn: 61,
  /** A quote opened and never closed: malformed, never sent. */
  unclosedQuote: 88,
} as const;

/** The line of the file (1 is the header) that holds the row at 0-based index `row`. */
export function mixLine(row: number): number {
  return row + 2;
}

/** What each kind of --mix failure is, in the words of the summary. */
const MIX_DESCRIPTIONS: Record<keyof typeof MIX, string> = {
  unknownUser: 'an unknown user',
  mismatch: 'an offer mismatch',
  invalidTarget: 'an invalid target',
  missingColumn: 'a missing column',
  unclosedQuote: 'an unclosed quote',
};

export function checkGenCsvFlags(flags: GenCsvFlags): GenCsvOptions {
  const users = parseIntegerFlag('--users', flags.users, 1, DEMO_USER_COUNT);
  const rows =
    flags.rows === undefined ? users : parseIntegerFlag('--rows', flags.rows, 0, 2 ** 31 - 1);
  if (!isOfferCode(flags.target)) {
    throw new UsageError(
      `--target must be an offer code, 1 to 64 of A-Z, 0-9, "_" or "-", not "${flags.target}"`,
    );
  }
  return { users, rows, target: flags.target, mix: flags.mix === true };
}

/** The data lines of the file (no header), each ending in "\n". */
export function* migrationLines(options: GenCsvOptions): Generator<string> {
  // At most DEMO_USER_COUNT users: their ids are worked out once, not once per row.
  const ids = Array.from({ length: options.users }, (_, i) => demoUserId(i));
  for (let i = 0; i < options.rows; i++) {
    const user = i % options.users;
    const id = ids[user]!;
    const current = demoOffer(user);
    if (!options.mix) {
      yield `${id},${current},${options.target}\n`;
      continue;
    }
    switch (i % 100) {
      case MIX.unknownUser:
        yield `${demoUserId(DEMO_USER_COUNT + i)},${current},${options.target}\n`;
        break;
      case MIX.mismatch:
        yield `${id},${DEMO_OFFERS[(user + 1) % DEMO_OFFERS.length]},${options.target}\n`;
        break;
      case MIX.invalidTarget:
        yield `${id},${current},not an offer\n`;
        break;
      case MIX.missingColumn:
        yield `${id},${current}\n`;
        break;
      case MIX.unclosedQuote:
        yield `"${id},${current},${options.target}\n`;
        break;
      default:
        yield `${id},${current},${options.target}\n`;
    }
  }
}

/**
 * Writes the header and the lines to `out` in 64 KiB writes, waiting whenever it is full, and
 * until the last write is done. Rejects with the stream's error (EPIPE, say) if a write fails.
 */
export async function writeMigrationCsv(options: GenCsvOptions, out: Writable): Promise<void> {
  // A failed write makes the stream emit 'error', which is uncaught if nothing listens — and for
  // the last write it comes a tick after that write's callback. So one listener goes on before
  // the first write, and stays on after a failure; the error itself is taken from drained() or
  // from the last write's callback.
  const alreadyReported = (): void => {};
  out.on('error', alreadyReported);
  let chunk = `${MIGRATION_HEADER.join(',')}\n`;
  for (const line of migrationLines(options)) {
    chunk += line;
    if (chunk.length >= 65536) {
      if (!out.write(chunk)) await drained(out);
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
  out.off('error', alreadyReported);
}

/** Resolves on 'drain'; rejects with the stream's error, including one it already had. */
function drained(out: Writable): Promise<void> {
  if (out.errored !== null) return Promise.reject(out.errored);
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/** What the file holds and what uploading it will do, in a sentence or two. */
export function describeFile(options: GenCsvOptions, where: string): string {
  const count = new Intl.NumberFormat('en-US');
  const parts = [
    `wrote ${count.format(options.rows)} rows for ${count.format(options.users)} demo users (moving them to ${options.target}) to ${where}`,
  ];
  if (options.rows > options.users) {
    parts.push(
      `rows cycle over the users, so each user's first row migrates them and the other ` +
        `${count.format(options.rows - options.users)} rows are skipped`,
    );
  }
  if (options.mix) {
    const kinds = (Object.keys(MIX) as (keyof typeof MIX)[]).sort((a, b) => MIX[a] - MIX[b]);
    // File lines, as migrate reports failures: the header is line 1, row index i is line i + 2.
    const lines = listInWords(kinds.map((kind) => String(mixLine(MIX[kind]))));
    const failures = listInWords(kinds.map((kind) => MIX_DESCRIPTIONS[kind]));
    parts.push(
      `with --mix, lines ${lines} of the file (and every hundredth line after each) are ${failures}`,
    );
  }
  if ((DEMO_OFFERS as readonly string[]).includes(options.target)) {
    parts.push(`demo users who start on ${options.target} are skipped`);
  }
  return `${parts.join('; ')}.`;
}

/** "a, b and c". */
function listInWords(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export async function genCsv(flags: GenCsvFlags): Promise<void> {
  const options = checkGenCsvFlags(flags);
  if (flags.output === undefined) {
    try {
      await writeMigrationCsv(options, process.stdout);
    } catch (error) {
      // The reader went away (`gen-csv | head`): it has all it wanted, which is no error.
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw error;
    }
    console.error(describeFile(options, 'standard output'));
    return;
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(flags.output, 'w');
  } catch (error) {
    throw cannotWrite(flags.output, error, '--output');
  }
  const out = handle.createWriteStream();
  await writeMigrationCsv(options, out);
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(resolve);
  });
  console.log(describeFile(options, flags.output));
}
