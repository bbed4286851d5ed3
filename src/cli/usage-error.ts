// The one error class of the command line: a sentence for the user, exit code 2, no stack trace.

import { readFileSync } from 'node:fs';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses a whole number in [min, max] for `flag`, or throws a UsageError saying why not. */
export function parseIntegerFlag(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return number;
}

/** Parses a number of seconds (fractions allowed) for `flag`. */
export function parseSecondsFlag(flag: string, value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`${flag} must be a number of seconds of 0 or more, not "${value}"`);
  }
  return seconds;
}

/** The longest timer Node keeps (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * Parses a timeout in seconds above 0 (fractions allowed) for `flag`: a timeout of 0 could only
 * fail at once, and one beyond Node's longest timer would fire at once.
 */
export function parseTimeoutFlag(flag: string, value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `${flag} must be a number of seconds above 0 (0.5 is half a second), not "${value}"`,
    );
  }
  if (seconds > MAX_TIMER_SECONDS) {
    throw new UsageError(
      `${flag} must be at most ${MAX_TIMER_SECONDS} seconds (about 24 days), not "${value}"`,
    );
  }
  return seconds;
}

/** Reads the file a flag names (a PEM, say), or throws a UsageError naming the flag and why not. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw cannotRead(path, error, flag);
  }
}

/** `cannot read PATH (--flag): no such file (ENOENT)`: the one form of every read failure. */
export function cannotRead(path: string, error: unknown, flag?: string): UsageError {
  return new UsageError(
    `cannot read ${path}${flag === undefined ? '' : ` (${flag})`}: ${ioReason(error, 'read')}`,
  );
}

/** `cannot write PATH (--flag): no such directory (ENOENT)`: the one form of every write failure. */
export function cannotWrite(path: string, error: unknown, flag?: string): UsageError {
  return new UsageError(
    `cannot write ${path}${flag === undefined ? '' : ` (${flag})`}: ${ioReason(error, 'write')}`,
  );
}

/** A file system error in words, its code after them: "permission denied (EACCES)". */
export function ioReason(error: unknown, use: 'read' | 'write'): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: use === 'read' ? 'no such file' : 'its directory does not exist',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EMFILE: 'too many open files',
  };
  if (code === undefined) return (error as Error).message ?? String(error);
  return `${words[code] ?? (error as Error).message} (${code})`;
}
