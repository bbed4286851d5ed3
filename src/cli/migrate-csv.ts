// The rows of a migration CSV (`user_id,current_offer,target_offer`, RFC 4180 quoting) for
// `handwire migrate`, read only as fast as the upload pulls them; a malformed line is recorded with
// its line number and skipped, never fatal (docs/contract.md §2 MigrateOffers; README "handwire migrate").
//
// Why the stream parser runs with quoting off: csv-parse cannot resynchronise after bad quoting —
// with `skip_records_with_error`, `u1,"A"x,B` or a quote left open makes it read the rest of the
// file as one quoted field, silently losing every row after it. No user id or offer code holds a
// comma or a line break, so a record here is exactly one line: the stream is split into lines and
// commas with quotes kept as plain characters, and only a line that contains a quote is parsed
// again on its own with RFC 4180 quoting (csv-parse/sync). A bad quote then costs its own line only.

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { type CsvError, type Parser, parse } from 'csv-parse';
import { parse as parseLine } from 'csv-parse/sync';
import type { MigrationRow } from '../wire/messages/offers.js';
import { RowLineMap } from './migrate-line-map.js';
import { UsageError } from './usage-error.js';

/** The header a migration file starts with. */
export const MIGRATION_HEADER = ['user_id', 'current_offer', 'target_offer'] as const;

/** Malformed lines listed in the report; the count stays exact (as the server's 1000 errors). */
export const MAX_LISTED_MALFORMED = 1000;

/** A longer line is not a migration row; past it the file is refused rather than buffered. */
export const MAX_LINE_BYTES = 64 * 1024;

export interface MalformedLine {
  /** 1-based line of the file. */
  line: number;
  reason: string;
}

/** The file is not a migration CSV at all (bad header, a huge line, unreadable): exit code 2. */
export class CsvFileError extends UsageError {}

type Fields = readonly string[];

export class MigrationCsv {
  /** Where each uploaded row came from, to turn the server's row numbers into line numbers. */
  readonly lineMap = new RowLineMap();
  /** Malformed lines seen so far (all counted, the first MAX_LISTED_MALFORMED listed). */
  malformed = 0;
  readonly malformedListed: MalformedLine[] = [];
  /** Rows handed to the upload so far. */
  rowsRead = 0;
  /** Why reading stopped before the end of the file, if it did. */
  failure: CsvFileError | undefined;
  /** Lines of the file consumed so far (header, blank and malformed ones included). */
  private line = 0;
  private readonly parser: Parser;
  private readonly records: AsyncIterator<string[]>;

  constructor(
    input: Readable,
    /** The file's name, for messages. */
    private readonly name: string,
  ) {
    this.parser = parse({
      quote: false,
      relax_column_count: true,
      bom: true,
      record_delimiter: ['\r\n', '\n'],
      max_record_size: MAX_LINE_BYTES,
    });
    // pipeline, not pipe: a read error destroys the parser too, so the next read throws it.
    pipeline(input, this.parser, () => {});
    this.records = this.parser[Symbol.asyncIterator]();
  }

  /** Bytes of the file parsed so far (for the progress display). */
  get bytesRead(): number {
    return this.parser.info.bytes;
  }

  /**
   * Reads up to the header and checks it. False for a file with no line at all (or only blank
   * ones): an empty upload. Throws CsvFileError for any other first line.
   */
  async readHeader(): Promise<boolean> {
    for (;;) {
      const record = await this.nextRecord();
      if (record === undefined) return false;
      if (isBlank(record)) continue;
      const fields = unquote(record);
      const found = Array.isArray(fields) ? fields.map((field) => field.trim()) : record;
      if (
        found.length !== MIGRATION_HEADER.length ||
        MIGRATION_HEADER.some((name, i) => found[i] !== name)
      ) {
        const text = found.join(',');
        if (looksBinary(text)) {
          throw new CsvFileError(
            `${this.name} is not a text file (its first line holds control bytes): a migration ` +
              `file is a CSV that starts with the header ${MIGRATION_HEADER.join(',')}`,
          );
        }
        throw new CsvFileError(
          `${this.name} line ${this.line} is "${printable(text.slice(0, 200))}": a migration ` +
            `file starts with the header ${MIGRATION_HEADER.join(',')}`,
        );
      }
      return true;
    }
  }

  /**
   * The rows after the header, in file order. Pulled one at a time by the upload, so no more of
   * the file is read than the HTTP/2 stream has room for.
   */
  async *rows(): AsyncGenerator<MigrationRow> {
    for (;;) {
      const record = await this.nextRecord();
      if (record === undefined) return;
      if (isBlank(record)) continue;
      const fields = record.some(hasQuote) ? unquote(record) : record;
      if (typeof fields === 'string') {
        this.reject(fields);
        continue;
      }
      if (fields.length !== MIGRATION_HEADER.length) {
        this.reject(
          `expected ${MIGRATION_HEADER.length} columns (${MIGRATION_HEADER.join(',')}), found ${fields.length}`,
        );
        continue;
      }
      this.lineMap.add(++this.rowsRead, this.line);
      yield {
        userId: fields[0]!.trim(),
        currentOffer: fields[1]!.trim(),
        targetOffer: fields[2]!.trim(),
      };
    }
  }

  /** The next line's fields, or undefined at the end of the file. */
  private async nextRecord(): Promise<string[] | undefined> {
    let next: IteratorResult<string[]>;
    try {
      next = await this.records.next();
    } catch (error) {
      this.failure = this.describe(error);
      throw this.failure;
    }
    if (next.done) return undefined;
    this.line++;
    return next.value;
  }

  private reject(reason: string): void {
    this.malformed++;
    if (this.malformedListed.length < MAX_LISTED_MALFORMED) {
      this.malformedListed.push({ line: this.line, reason });
    }
  }

  /** A read or parse failure as one sentence naming the file (and the line, when it is one). */
  private describe(error: unknown): CsvFileError {
    const csvError = error as Partial<CsvError>;
    if (csvError.code === 'CSV_MAX_RECORD_SIZE') {
      // The parser works ahead of the rows pulled, so its own count says which line it was.
      return new CsvFileError(
        `${this.name} line ${csvError.lines} is longer than ${MAX_LINE_BYTES / 1024} KiB: ` +
          'not a migration row (is this the right file?)',
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new CsvFileError(`${this.name} could not be read: ${reason}`);
  }
}

const hasQuote = (field: string): boolean => field.includes('"');

/** A line with nothing but whitespace. */
const isBlank = (record: Fields): boolean => record.length === 1 && record[0]!.trim() === '';

/**
 * The fields of one line containing quotes, parsed with RFC 4180 quoting; a string saying what is
 * wrong when the quoting is bad. `record` is the line split at every comma, so joining it with
 * commas gives the line back exactly.
 */
function unquote(record: Fields): Fields | string {
  try {
    const [fields] = parseLine(record.join(','), { relax_column_count: true }) as string[][];
    return fields ?? [''];
  } catch (error) {
    return badQuoting(error);
  }
}

function badQuoting(error: unknown): string {
  switch ((error as CsvError).code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'bad quoting: a closing quote must be followed by a comma or the end of the line';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'bad quoting: a quote opened on this line is never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'bad quoting: a quote inside an unquoted field (quote the whole field, doubling the quote)';
    default:
      return `bad quoting: ${(error as Error).message}`;
  }
}

/** NUL, or other control bytes than tab, or undecodable UTF-8: not a CSV someone typed. */
function looksBinary(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are what is looked for
  return /[\x00-\x08\x0e-\x1f\x7f\ufffd]/.test(text);
}

/** `text` safe to print on a terminal: control characters as \xNN, so none reaches it raw. */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are what is replaced
    /[\x00-\x1f\x7f-\x9f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
