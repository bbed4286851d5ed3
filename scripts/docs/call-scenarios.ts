// The calls docs/a-call-byte-by-byte.md shows, made for real: handwire's Server with the user
// service on a store with a fixed clock and counted ids, handwire's client, and the tracer
// between them. Each scenario is one step of the recorder on one connection.

import http2 from 'node:http2';
import { createChannel } from '../../src/client/channel.js';
import { createClient } from '../../src/client/client.js';
import { Server } from '../../src/server/server.js';
import { createUserService, UserServiceDefinition } from '../../src/services/user/user-service.js';
import { UserStore } from '../../src/store/user-store.js';
import { Role } from '../../src/wire/messages/user.js';
import { type RecordedStep, TraceRecorder } from './trace-recorder.js';

/** 2025-12-03T16:40:00Z, the contract's example time: every created_at on the page. */
export const FIXED_NOW = 1_764_780_000_000;

/** Ids that read as what they are: the first user created is …0001. */
const countedIds = (): (() => string) => {
  let next = 0;
  return () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;
};

export interface CallRun {
  readonly steps: Record<ScenarioName, RecordedStep>;
  /** The proxy's port, which :authority carries: masked on the page. */
  readonly port: number;
}

export type ScenarioName = 'connect' | 'unary' | 'again' | 'stream' | 'cancel' | 'error' | 'goaway';

/**
 * node:http2 adds a `date` header to every response; it would change the page every second, so
 * this run turns it off (`sendDate: false`) on every stream's respond. Nothing else is changed.
 */
async function withoutDateHeaders(): Promise<() => void> {
  const probe = http2.createServer();
  const streamPrototype = await new Promise<{
    respond: (headers: unknown, options?: object) => void;
  }>((resolve) => {
    probe.on('stream', (stream) => {
      resolve(Object.getPrototypeOf(stream));
      stream.respond({ ':status': 200 }, { endStream: true });
    });
    probe.listen(0, '127.0.0.1', () => {
      const session = http2.connect(
        `http://127.0.0.1:${(probe.address() as { port: number }).port}`,
      );
      session
        .request({ ':path': '/' })
        .on('close', () => session.close())
        .end();
    });
  });
  probe.close();
  const original = streamPrototype.respond;
  streamPrototype.respond = function (this: unknown, headers: unknown, options?: object) {
    return original.call(this, headers, { ...options, sendDate: false });
  };
  return () => {
    streamPrototype.respond = original;
  };
}

/** Runs every scenario in order on one connection, then shuts the server down. */
export async function runCallScenarios(): Promise<CallRun> {
  const restoreDates = await withoutDateHeaders();
  const store = new UserStore({ now: () => FIXED_NOW, newId: countedIds() });
  store.create({
    username: 'ada',
    email: 'ada@example.com',
    fullName: 'Ada Lovelace',
    role: Role.ROLE_ADMIN,
  });
  store.create({
    username: 'grace',
    email: 'grace@example.com',
    fullName: 'Grace Hopper',
    role: Role.ROLE_USER,
  });
  const server = new Server();
  server.addService(UserServiceDefinition, createUserService(store));
  const { port: serverPort } = await server.listen({ host: '127.0.0.1', port: 0 });
  const recorder = await TraceRecorder.start(serverPort);
  // A fixed user-agent: the default names handwire's version, which would change the page.
  const channel = createChannel(`127.0.0.1:${recorder.port}`, { userAgent: 'handwire-guide' });
  const users = createClient(UserServiceDefinition, channel);
  try {
    // Both SETTINGS acknowledged before the first call, however slow the machine.
    const connect = await recorder.step('connect', async () => {
      await channel.pick(true, undefined);
      for (const from of ['client', 'server'] as const)
        await recorder.waitFor(
          (f) => f.from === from && f.title.startsWith('SETTINGS stream 0 [ACK]'),
          `the ${from}'s SETTINGS ACK`,
        );
    });
    const unary = await recorder.step('unary', () =>
      users.GetUser({ id: '00000000-0000-4000-8000-000000000001' }),
    );
    const again = await recorder.step('again', () =>
      users.GetUser({ id: '00000000-0000-4000-8000-000000000002' }),
    );
    const stream = await recorder.step('stream', async () => {
      for await (const _ of users.ListUsers({ roleFilter: '', limit: 2 }));
    });
    const cancel = await recorder.step('cancel', () => cancelledUpload(recorder, users));
    // The page says what this cancel did to the store (nothing: the batch was cancelled before it
    // was complete): checked on every generation, so a cancelled batch stored again fails here.
    if (store.size !== 2)
      throw new Error(
        `the cancelled upload left ${store.size} users, not 2: a cancelled BatchCreateUsers must store nothing (see the "cancel" prose in scripts/docs/call-document.ts)`,
      );
    const error = await recorder.step('error', () =>
      users
        .CreateUser({ username: 'x', email: 'not an address', fullName: '', role: Role.ROLE_USER })
        .catch(() => undefined),
    );
    const goaway = await recorder.step('goaway', () => server.close({ graceMs: 1000 }));
    return { steps: { connect, unary, again, stream, cancel, error, goaway }, port: recorder.port };
  } finally {
    channel.close();
    await server.close();
    await recorder.close();
    restoreDates();
  }
}

/** BatchCreateUsers: two requests go out, then the caller aborts before ending the stream. */
async function cancelledUpload(
  recorder: TraceRecorder,
  users: ReturnType<typeof createClient<typeof UserServiceDefinition>>,
): Promise<void> {
  const abort = new AbortController();
  const twoDataFrames = recorder.waitFor(
    (f) => f.from === 'client' && f.frame?.typeName === 'DATA' && countData(recorder) >= 2,
    'the two request messages',
  );
  async function* requests() {
    yield {
      username: 'alan',
      email: 'alan@example.com',
      fullName: 'Alan Turing',
      role: Role.ROLE_USER,
    };
    yield {
      username: 'edsger',
      email: 'edsger@example.com',
      fullName: 'Edsger Dijkstra',
      role: Role.ROLE_USER,
    };
    await twoDataFrames;
    abort.abort();
    await new Promise(() => {}); // the stream never ends by itself: the abort ends it
  }
  await users.BatchCreateUsers(requests(), { signal: abort.signal }).catch(() => undefined);
}

function countData(recorder: TraceRecorder): number {
  return recorder.framesSoFar().filter((f) => f.from === 'client' && f.frame?.typeName === 'DATA')
    .length;
}
