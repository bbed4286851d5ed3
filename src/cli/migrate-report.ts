// The report `handwire migrate` prints when an upload ends: the server's MigrationReport counts
// (offers.proto, docs/contract.md §2 MigrateOffers) merged with the lines that were never sent because
// they were malformed, every failure named by its line in the file, and the exit code.

import type { MigrationReport } from '../wire/messages/offers.js';
import type { MalformedLine } from './migrate-csv.js';

/** Everything the report needs, gathered by the command once the call returned. */
export interface UploadOutcome {
  /** The file as the user named it. */
  file: string;
  report: MigrationReport;
  /** Rows the client sent (the server's `rows` should be the same). */
  rowsSent: number;
  /** Malformed lines: all counted, the first ones listed with their line numbers. */
  malformed: number;
  malformedListed: readonly MalformedLine[];
  /** The CSV line of an upload row (RowError.row). */
  lineOf(row: number): number | undefined;
  elapsedMs: number;
}

const count = new Intl.NumberFormat('en-US');

/** "1 row", "2 rows", "1,000 rows". */
export function rowsInWords(rows: number): string {
  return `${count.format(rows)} ${rows === 1 ? 'row' : 'rows'}`;
}

/** 0 when every row was migrated or skipped; 1 when any row failed or any line was malformed. */
export function exitCodeOf(outcome: UploadOutcome): 0 | 1 {
  return outcome.report.failed + outcome.malformed > 0 ? 1 : 0;
}

/** The report as lines of text, failures in file order. */
export function formatReport(outcome: UploadOutcome): string[] {
  const { report } = outcome;
  const failed = report.failed + outcome.malformed;
  const seconds = outcome.elapsedMs / 1000;
  const rate = seconds > 0 ? `, ${count.format(Math.round(report.rows / seconds))} rows/s` : '';
  const width = String(count.format(Math.max(report.migrated, report.skipped, failed))).length;
  const figure = (n: number) => count.format(n).padStart(width);
  const lines = [
    `migration ${report.migrationId}: ${rowsInWords(report.rows)} uploaded from ${outcome.file} in ${seconds.toFixed(1)} s${rate}`,
    `  migrated  ${figure(report.migrated)}`,
    `  skipped   ${figure(report.skipped)}`,
    `  failed    ${figure(failed)}${failed > 0 ? `  (${count.format(report.failed)} rejected by the server, ${count.format(outcome.malformed)} malformed ${outcome.malformed === 1 ? 'line' : 'lines'} not sent)` : ''}`,
  ];
  if (report.rows !== outcome.rowsSent) {
    lines.push(
      `  the server counted ${count.format(report.rows)} rows of the ${count.format(outcome.rowsSent)} sent`,
    );
  }
  const listed = failureLines(outcome);
  if (listed.length > 0) lines.push('failed lines:', ...listed.map((line) => `  ${line}`));
  const unlistedServer = report.failed - report.errors.length;
  if (unlistedServer > 0) {
    lines.push(
      `  … and ${count.format(unlistedServer)} more ${unlistedServer === 1 ? 'row' : 'rows'} the server rejected (it lists the first ${count.format(report.errors.length)})`,
    );
  }
  const unlistedMalformed = outcome.malformed - outcome.malformedListed.length;
  if (unlistedMalformed > 0) {
    lines.push(
      `  … and ${count.format(unlistedMalformed)} more malformed lines (the first ${count.format(outcome.malformedListed.length)} are listed)`,
    );
  }
  return lines;
}

/** The server's errors and the malformed lines merged by line number (both come in file order). */
function failureLines(outcome: UploadOutcome): string[] {
  const server = outcome.report.errors.map((error) => {
    const line = outcome.lineOf(error.row);
    return {
      line: line ?? Number.POSITIVE_INFINITY,
      text: `${line === undefined ? `upload row ${error.row}` : `line ${line}`}, user "${error.userId}": ${error.reason}`,
    };
  });
  const local = outcome.malformedListed.map((malformed) => ({
    line: malformed.line,
    text: `line ${malformed.line}: ${malformed.reason}`,
  }));
  const merged: string[] = [];
  let s = 0;
  let m = 0;
  while (s < server.length || m < local.length) {
    if (m >= local.length || (s < server.length && server[s]!.line < local[m]!.line)) {
      merged.push(server[s++]!.text);
    } else merged.push(local[m++]!.text);
  }
  return merged;
}
