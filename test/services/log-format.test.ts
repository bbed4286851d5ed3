// One log format (issue #17): the line an embedded Server writes with its default logger has the
// shape of the lines `handwire serve` writes through pino — pino's default JSON, numeric levels
// (50 error), time, pid, hostname, the fields, then msg — so one log pipeline reads both.

import { Writable } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import { stderrLogger } from '../../src/server/server-options.js';

/** The JSON line `log` writes to process.stderr, parsed. */
function capturedStderr(log: () => void): Record<string, unknown> {
  const written: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    log();
  } finally {
    process.stderr.write = original;
  }
  return JSON.parse(written.join('')) as Record<string, unknown>;
}

/** What pino's default logger writes for the same call. */
function pinoLine(level: 'error' | 'warn', details: object, message: string) {
  let line = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      line += chunk;
      done();
    },
  });
  pino({}, sink)[level](details, message);
  return JSON.parse(line) as Record<string, unknown>;
}

t.test("the embedded default logger writes pino's default JSON", async (t) => {
  const failure = new TypeError('boom');
  const details = { err: failure, method: '/a.B/C', peer: '127.0.0.1:1' };
  const embedded = capturedStderr(() => stderrLogger.error(details, 'handler failed'));
  const expected = pinoLine('error', details, 'handler failed');
  t.same(Object.keys(embedded), Object.keys(expected), 'the same keys in the same order');
  t.equal(embedded.level, 50);
  t.equal(embedded.msg, 'handler failed');
  t.match(embedded.err, { type: 'TypeError', message: 'boom', stack: String });
  t.equal(embedded.pid, process.pid);
  t.equal(embedded.hostname, expected.hostname);
  // Errors only: an embedded server in a test suite does not log the GOAWAY of every close.
  t.equal(stderrLogger.warn, undefined, 'no warn lines from an embedded server by default');
});

t.test("handwire serve's logger writes pino's numeric levels", async (t) => {
  const { createStderrLogger } = await import('../../src/services/interceptors/logging.js');
  t.equal(createStderrLogger().levels.values.error, 50);
  const line = pinoLine('warn', { code: 'NotFound' }, 'call finished');
  t.equal(line.level, 40);
});
