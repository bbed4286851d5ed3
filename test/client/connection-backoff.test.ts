// ConnectionBackoff on a fake clock: the sequence of connection-backoff.md, jitter bounds, the
// minimum connect timeout, the cap, and reset after a success.

import t from 'tap';
import { ConnectionBackoff, DEFAULT_BACKOFF } from '../../src/client/connection-backoff.js';

function fakeClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

t.test('defaults are the values of connection-backoff.md', async (t) => {
  t.same(DEFAULT_BACKOFF, {
    initialBackoffMs: 1000,
    multiplier: 1.6,
    jitter: 0.2,
    maxBackoffMs: 120_000,
    minConnectTimeoutMs: 20_000,
  });
});

t.test('without jitter the waits grow by 1.6 up to the cap', async (t) => {
  const clock = fakeClock();
  // random() = 0.5 puts UniformRandom(-j·b, j·b) at exactly 0.
  const backoff = new ConnectionBackoff({ now: clock.now, random: () => 0.5 });
  const waits: number[] = [];
  for (let i = 0; i < 14; i++) {
    backoff.beginAttempt();
    clock.advance(10); // the attempt fails quickly
    const wait = backoff.failed();
    waits.push(Math.round(wait + 10));
    clock.advance(wait);
  }
  t.same(waits.slice(0, 6), [1000, 1600, 2560, 4096, 6554, 10486]);
  t.equal(waits.at(-1), 120_000, 'capped at MAX_BACKOFF');
});

t.test('jitter keeps each wait within ±20% of the backoff', async (t) => {
  for (const random of [0, 0.999999]) {
    const clock = fakeClock();
    const backoff = new ConnectionBackoff({ now: clock.now, random: () => random });
    backoff.beginAttempt();
    clock.advance(backoff.failed());
    backoff.beginAttempt(); // backoff 1600 ms ± 320
    const wait = backoff.failed();
    t.ok(wait >= 1280 - 0.01 && wait <= 1920 + 0.01, `wait ${wait} within 1280..1920`);
  }
});

t.test('the connect timeout is max(deadline - now, MIN_CONNECT_TIMEOUT)', async (t) => {
  const clock = fakeClock();
  const backoff = new ConnectionBackoff({ now: clock.now, random: () => 0.5 });
  t.equal(backoff.beginAttempt(), 20_000, 'MIN_CONNECT_TIMEOUT above the 1 s backoff');
  const short = new ConnectionBackoff({
    now: clock.now,
    random: () => 0.5,
    minConnectTimeoutMs: 300,
    initialBackoffMs: 100,
  });
  t.equal(short.beginAttempt(), 300);
  const long = new ConnectionBackoff({ now: clock.now, initialBackoffMs: 50_000 });
  t.equal(long.beginAttempt(), 50_000, 'the deadline when it is later');
});

t.test('a failure that took longer than the backoff retries at once', async (t) => {
  const clock = fakeClock();
  const backoff = new ConnectionBackoff({ now: clock.now });
  backoff.beginAttempt();
  clock.advance(20_000); // timed out
  t.equal(backoff.failed(), 0);
});

t.test('reset after a success starts again from INITIAL_BACKOFF', async (t) => {
  const clock = fakeClock();
  const backoff = new ConnectionBackoff({ now: clock.now, random: () => 0.5 });
  for (let i = 0; i < 5; i++) {
    backoff.beginAttempt();
    clock.advance(backoff.failed());
  }
  backoff.beginAttempt();
  backoff.reset();
  backoff.beginAttempt();
  t.equal(backoff.failed(), 1000);
});

t.test('invalid options are refused with a sentence', async (t) => {
  t.throws(
    () => new ConnectionBackoff({ initialBackoffMs: 0 }),
    /backoff option initialBackoffMs must be a finite number above 0, got 0/,
  );
  t.throws(
    () => new ConnectionBackoff({ multiplier: 0.5 }),
    /backoff option multiplier must be a finite number of 1 or more, got 0.5/,
  );
  t.throws(() => new ConnectionBackoff({ jitter: 1 }), /jitter 1 must be below 1/);
  t.throws(
    () => new ConnectionBackoff({ maxBackoffMs: Number.NaN }),
    /backoff option maxBackoffMs must be a finite number above 0, got NaN/,
  );
});
