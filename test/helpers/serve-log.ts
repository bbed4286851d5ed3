// Reads the JSON lines `handwire serve` writes on stderr (pino: one object per line, `level` 50
// for error, 40 for warn) for what a peer test must never cause: an error-level line (a call
// ended UNKNOWN, INTERNAL… or the server failed), or a GOAWAY the server sent on its own.

/** The log lines that show trouble: level error or above, or a GOAWAY the server sent. */
export function serverTrouble(stderr: string): string[] {
  return stderr.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line);
    } catch {
      return true; // Not a log line: a stack trace or a warning printed by Node itself.
    }
    return (entry.level ?? 0) >= 50 || /GOAWAY/i.test(entry.msg ?? '');
  });
}
