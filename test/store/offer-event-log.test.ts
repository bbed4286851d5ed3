// The offer event log: dense offsets, readers from any offset, live tails, filters, and readers
// that end on abort or return without leaving anything behind.

import t from 'tap';
import { type NewOfferEvent, OfferEventLog } from '../../src/store/offer-event-log.js';

const event = (userId: string, toOffer: string, fromOffer = ''): NewOfferEvent => ({
  eventId: `e-${userId}-${toOffer}`,
  userId,
  fromOffer,
  toOffer,
  migrationId: '',
  occurredAt: 1,
});

/** The next `count` events of a reader, each within `ms` or the test fails. */
async function take(reader: AsyncIterator<any>, count: number, ms = 2000) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const result = await Promise.race([
      reader.next(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no event ${i} within ${ms} ms`)), ms),
      ),
    ]);
    if (result.done) throw new Error('the reader ended');
    out.push(result.value);
  }
  return out;
}

/** Whether `reader.next()` stays pending for `ms`. */
async function staysPending(reader: AsyncIterator<any>, ms = 30): Promise<boolean> {
  const marker = Symbol('pending');
  const pending = reader.next();
  const winner = await Promise.race([
    pending,
    new Promise((resolve) => setTimeout(() => resolve(marker), ms)),
  ]);
  return winner === marker;
}

t.test('offsets are dense from 0 and events are frozen', async (t) => {
  const log = new OfferEventLog();
  t.equal(log.endOffset, 0);
  const a = log.append(event('u1', 'A'));
  const b = log.append(event('u2', 'B'));
  t.equal(a.offset, 0);
  t.equal(b.offset, 1);
  t.equal(log.endOffset, 2);
  t.ok(Object.isFrozen(a));
  t.same(
    log.slice().map((e) => e.offset),
    [0, 1],
  );
  t.equal(log.at(1), b);
  t.equal(log.at(2), undefined);
});

t.test('a reader replays from its offset, then delivers new events live', async (t) => {
  const log = new OfferEventLog();
  for (const code of ['A', 'B', 'C']) log.append(event('u1', code));
  const reader = log.read(1);
  t.same(
    (await take(reader, 2)).map((e) => e.toOffer),
    ['B', 'C'],
  );
  const next = take(reader, 2);
  log.append(event('u1', 'D'));
  log.append(event('u2', 'E'));
  t.same(
    (await next).map((e) => [e.offset, e.toOffer]),
    [
      [3, 'D'],
      [4, 'E'],
    ],
  );
  await reader.return();
});

t.test('a reader beyond the end waits and delivers from its offset on', async (t) => {
  const log = new OfferEventLog();
  log.append(event('u1', 'A'));
  const reader = log.read(3);
  const next = take(reader, 1);
  log.append(event('u1', 'B')); // offset 1
  log.append(event('u1', 'C')); // offset 2
  log.append(event('u1', 'D')); // offset 3
  t.same(
    (await next).map((e) => e.offset),
    [3],
  );
  await reader.return();
});

t.test('a filtered reader sees only its user, and an unknown user simply waits', async (t) => {
  const log = new OfferEventLog();
  log.append(event('u1', 'A'));
  log.append(event('u2', 'B'));
  log.append(event('u1', 'C'));
  const reader = log.read(0, { userId: 'u1' });
  t.same(
    (await take(reader, 2)).map((e) => e.offset),
    [0, 2],
  );
  const nobody = log.read(0, { userId: 'nobody' });
  t.ok(await staysPending(nobody), 'no event for an unknown user');
  await nobody.return();
  await reader.return();
});

t.test('a filtered reader scanning a long log lets other work run', async (t) => {
  const log = new OfferEventLog();
  for (let i = 0; i < 50_000; i++) log.append(event('busy', `X${i}`));
  log.append(event('rare', 'FOUND'));
  const reader = log.read(0, { userId: 'rare' });
  let settled = false;
  const pending = reader.next().then((result) => {
    settled = true;
    return result;
  });
  // Had the reader scanned all 50,000 events in one go, `pending` would have settled before this
  // immediate ran; scanning 4,096 at a time, it is still going.
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.equal(settled, false, 'the event loop ran while the reader was still scanning');
  t.equal((await pending).value?.offset, 50_000);
  await reader.return();
});

t.test('abort and return end a reader, even one waiting at the end', async (t) => {
  const log = new OfferEventLog();
  const controller = new AbortController();
  const aborted = log.read(0, { signal: controller.signal });
  const pending = aborted.next();
  controller.abort();
  t.same(await pending, { value: undefined, done: true });
  t.same(await aborted.next(), { value: undefined, done: true }, 'stays ended');

  const returned = log.read(0);
  const waiting = returned.next();
  await returned.return();
  t.same(await waiting, { value: undefined, done: true });

  // Neither left a waiter behind: appending wakes nobody and nothing throws.
  log.append(event('u1', 'A'));
  t.equal(log.endOffset, 1);
});

t.test(
  'a reader costs a position, not a copy: far-behind readers do not hold events',
  async (t) => {
    const log = new OfferEventLog();
    const slow = log.read(0);
    for (let i = 0; i < 10_000; i++) log.append(event(`u${i % 10}`, `O${i}`));
    t.equal(slow.offset, 0, 'nothing was read yet, and nothing was queued for it');
    const [first] = await take(slow, 1);
    t.equal(first.offset, 0);
    t.equal(slow.offset, 1);
    await slow.return();
  },
);

t.test('bad offsets are refused', async (t) => {
  const log = new OfferEventLog();
  t.throws(() => log.read(-1), RangeError);
  t.throws(() => log.read(1.5), RangeError);
});
