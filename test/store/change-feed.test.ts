// The bounded change feed: subscribers get every change in order; a slow one is dropped with
// FeedLaggedError and never slows the writer or grows memory.

import t from 'tap';
import { ChangeFeed, FeedLaggedError } from '../../src/store/change-feed.js';

t.test('every subscriber gets every change, in order', async (t) => {
  const feed = new ChangeFeed<number>(10);
  const a = feed.subscribe();
  const b = feed.subscribe();
  for (let i = 0; i < 5; i++) feed.publish(i);
  const read = async (s: AsyncIterator<number>, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await s.next()).value);
    return out;
  };
  t.same(await read(a, 5), [0, 1, 2, 3, 4]);
  t.same(await read(b, 5), [0, 1, 2, 3, 4]);
  const waiting = a.next();
  feed.publish(5);
  t.same(await waiting, { value: 5, done: false }, 'a waiting reader is woken');
});

t.test('a subscriber that falls behind is dropped with FeedLaggedError', async (t) => {
  const feed = new ChangeFeed<number>(3);
  const slow = feed.subscribe();
  for (let i = 0; i < 4; i++) feed.publish(i);
  t.equal(feed.subscriberCount, 0, 'dropped from the feed: its memory is freed');
  await t.rejects(slow.next(), FeedLaggedError);
  feed.publish(99);
  await t.rejects(slow.next(), FeedLaggedError, 'stays failed');
});

t.test('closing ends iteration and detaches', async (t) => {
  const feed = new ChangeFeed<number>();
  const sub = feed.subscribe();
  const pending = sub.next();
  sub.close();
  t.same(await pending, { value: undefined, done: true });
  t.equal(feed.subscriberCount, 0);
  const other = feed.subscribe();
  const seen: number[] = [];
  setImmediate(() => {
    feed.publish(1);
    feed.publish(2);
    setImmediate(() => void other.return());
  });
  for await (const value of other) seen.push(value);
  t.same(seen, [1, 2]);
});

t.test('capacity must be a positive whole number', async (t) => {
  t.throws(() => new ChangeFeed(0), RangeError);
});
