// A `handwire migrate` upload interrupted with Ctrl-C (SIGINT) midway: the rows the server applied
// before the cancel stay applied, each with exactly one event of the migration in the log, and
// nothing else changed (docs/contract.md §2 MigrateOffers: "each row is applied as it arrives").
//
// The file comes through standard input (`migrate -`), so the test decides where the upload stands
// when the cancel arrives: it writes 301 rows, waits until the server has applied the 300th, and
// only then interrupts, with the stream still open. (csv-parse looks a few bytes past a line's end
// before it emits the line — a delimiter could be longer — so the last line of what has arrived
// waits for more input: the 301st row is never sent, and must stay unapplied.)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DEMO_USER_COUNT, demoOffer, demoUserId, seedDemoUsers } from '../../src/cli/demo-data.js';
import { Server } from '../../src/server/server.js';
import {
  createOfferService,
  OfferServiceDefinition,
} from '../../src/services/offers/offer-service.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { UserStore } from '../../src/store/user-store.js';
import { childEnv } from '../helpers/child-env.js';
import { collectOutput } from '../helpers/child-output.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const SENT = 300;

async function waitFor(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('Ctrl-C midway: applied rows stay applied and match the event log', async (t) => {
  const users = new UserStore();
  const offers = new OfferStore(users);
  seedDemoUsers(users, offers);
  const server = new Server();
  server.addService(OfferServiceDefinition, createOfferService(offers));
  const { address } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ graceMs: 0 }));

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'migrate', '-', '--server', address],
    { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const output = collectOutput(child);
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  t.teardown(() => clearTimeout(killer));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  const rows = Array.from(
    { length: SENT + 1 },
    (_, i) => `${demoUserId(i)},${demoOffer(i)},UNLIMITED\n`,
  );
  child.stdin.write(`user_id,current_offer,target_offer\n${rows.join('')}`);
  const last = demoUserId(SENT - 1);
  await waitFor(() => offers.get(last)?.offerCode === 'UNLIMITED', `row ${SENT} to be applied`);
  child.kill('SIGINT');
  const [code] = await exited;

  t.equal(code, 130, `exit code 130 for an interrupt; stderr: ${output.stderr}`);
  t.equal(output.stdout, '', 'no report: the call was cancelled');
  t.match(
    output.stderr,
    `handwire: interrupted: ${SENT} rows were sent; those the server received stay applied, and uploading the file again is safe`,
  );

  // Let anything still in flight on the server land before looking.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const events = offers.log.slice(DEMO_USER_COUNT);
  t.equal(events.length, SENT, 'one event per applied row, none after the cancel');
  const migrationId = events[0]?.migrationId;
  t.ok(migrationId, 'the events carry the migration id');
  events.forEach((event, i) => {
    if (
      event.offset !== DEMO_USER_COUNT + i ||
      event.userId !== demoUserId(i) ||
      event.fromOffer !== demoOffer(i) ||
      event.toOffer !== 'UNLIMITED' ||
      event.migrationId !== migrationId
    ) {
      t.fail(`event ${i} is not row ${i + 1}'s change: ${JSON.stringify(event)}`);
    }
  });
  // Every user's offer is what its events say: version = events for that user.
  const eventsPerUser = new Map<string, number>();
  for (const event of offers.log.slice()) {
    eventsPerUser.set(event.userId, (eventsPerUser.get(event.userId) ?? 0) + 1);
  }
  for (let i = 0; i < DEMO_USER_COUNT; i++) {
    const offer = offers.get(demoUserId(i))!;
    const migrated = i < SENT; // user SENT's row was read but never sent
    if (
      offer.offerCode !== (migrated ? 'UNLIMITED' : demoOffer(i)) ||
      offer.version !== (migrated ? 2 : 1) ||
      eventsPerUser.get(demoUserId(i)) !== offer.version
    ) {
      t.fail(`user ${i} is inconsistent: ${JSON.stringify(offer)}`);
    }
  }
  t.pass(`${DEMO_USER_COUNT} users checked against the log`);
});
