// The soak's load: well-behaved gRPC callers (unary and the three streaming shapes), callers that
// cancel mid-stream or vanish without a word, and Kafka producers and a consumer group — all
// running until `until` and counting what they saw.

import http2 from 'node:http2';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { decodeMessage } from '../../src/wire/codec.js';
import { encodeFrame } from '../../src/wire/framing.js';
import { HealthCheckRequestCodec } from '../../src/wire/messages/health.js';
import {
  SetUserOfferRequestCodec,
  WatchOfferEventsRequestCodec,
} from '../../src/wire/messages/offers.js';
import {
  CreateUserRequestCodec,
  DeleteUserRequestCodec,
  GetUserRequestCodec,
  ListUsersRequestCodec,
  UserCodec,
} from '../../src/wire/messages/user.js';
import { rawCall } from './grpc-raw-call.js';

export interface LoadCounts {
  ok: number;
  /** Calls that ended with a non-OK status the load did not ask for. */
  failed: number;
  /** The failed calls by what they ended with: a grpc-status, 'timeout', 'none', 'no session'. */
  failedBy: Record<string, number>;
  cancelled: number;
  vanished: number;
  connections: number;
  produced: number;
  consumed: number;
}

export function emptyCounts(): LoadCounts {
  return {
    ok: 0,
    failed: 0,
    failedBy: {},
    cancelled: 0,
    vanished: 0,
    connections: 0,
    produced: 0,
    consumed: 0,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let serial = 0;

function connect(
  address: string,
  counts: LoadCounts,
  socket?: net.Socket,
): http2.ClientHttp2Session {
  counts.connections++;
  const session = http2.connect(
    `http://${address}`,
    socket === undefined ? {} : { createConnection: () => socket },
  );
  session.on('error', () => {});
  return session;
}

/** A TCP connection to `host:port` the caller keeps, so it can drop it without a word. */
function tcpTo(address: string): net.Socket {
  const separator = address.lastIndexOf(':');
  const socket = net.connect({
    host: address.slice(0, separator).replace(/^\[|\]$/g, ''),
    port: Number(address.slice(separator + 1)),
  });
  socket.on('error', () => {});
  return socket;
}

/** A new user's id, made through CreateUser (and given an offer, which writes a Kafka record). */
async function createUser(session: http2.ClientHttp2Session, counts: LoadCounts): Promise<string> {
  const n = `${process.pid}_${serial++}`;
  const request = encodeFrame(CreateUserRequestCodec, {
    username: `soak_${n}`,
    email: `soak_${n}@example.com`,
    fullName: 'Soak Test',
    role: 1,
  });
  const created = await rawCall(session, '/user.UserService/CreateUser', {
    requests: [request],
  });
  tally(created.status, counts);
  return created.first === undefined ? '' : decodeMessage(UserCodec, created.first).id;
}

function tally(status: string, counts: LoadCounts): void {
  if (status === '0') counts.ok++;
  else if (status === 'reset') counts.cancelled++;
  else {
    counts.failed++;
    counts.failedBy[status] = (counts.failedBy[status] ?? 0) + 1;
  }
}

/**
 * Unary calls, one after another on one connection: create, read, change an offer, health, and
 * delete again, so the store holds about as many users at the end as at the start: what the
 * server holds more after the soak is then a leak, not data it was asked to keep. (The offer event
 * log still grows by every change, by design: src/store/offer-event-log.ts.)
 */
export async function unaryCaller(address: string, until: number, counts: LoadCounts) {
  const session = connect(address, counts);
  const health = encodeFrame(HealthCheckRequestCodec, { service: '' });
  while (Date.now() < until && !session.destroyed) {
    const id = await createUser(session, counts);
    const get = encodeFrame(GetUserRequestCodec, { id });
    tally(
      (await rawCall(session, '/user.UserService/GetUser', { requests: [get] })).status,
      counts,
    );
    const offer = encodeFrame(SetUserOfferRequestCodec, {
      userId: id,
      offerCode: `P${serial % 7}`,
    });
    tally(
      (await rawCall(session, '/offers.v1.OfferService/SetUserOffer', { requests: [offer] }))
        .status,
      counts,
    );
    tally(
      (await rawCall(session, '/grpc.health.v1.Health/Check', { requests: [health] })).status,
      counts,
    );
    const remove = encodeFrame(DeleteUserRequestCodec, { id });
    tally(
      (await rawCall(session, '/user.UserService/DeleteUser', { requests: [remove] })).status,
      counts,
    );
  }
  session.close();
}

/** Streams: ListUsers to the end, a WatchOfferEvents cancelled after a while, both in turn. */
export async function streamingCaller(address: string, until: number, counts: LoadCounts) {
  const session = connect(address, counts);
  const list = encodeFrame(ListUsersRequestCodec, { roleFilter: '', limit: 200 });
  const watch = encodeFrame(WatchOfferEventsRequestCodec, { fromOffset: 0, userId: '' });
  while (Date.now() < until && !session.destroyed) {
    tally(
      (await rawCall(session, '/user.UserService/ListUsers', { requests: [list] })).status,
      counts,
    );
    const watched = await rawCall(session, '/offers.v1.OfferService/WatchOfferEvents', {
      requests: [watch],
      cancelAfterMs: 100 + (serial++ % 300),
    });
    tally(watched.status, counts);
  }
  session.close();
}

/** Clients that come and go: a few calls, then a clean close, a reset, or a vanished socket. */
export async function churningCaller(address: string, until: number, counts: LoadCounts) {
  const watch = encodeFrame(WatchOfferEventsRequestCodec, { fromOffset: 0, userId: '' });
  while (Date.now() < until) {
    const socket = tcpTo(address);
    const session = connect(address, counts, socket);
    await createUser(session, counts);
    const ending = serial++ % 3;
    if (ending === 0) {
      session.close();
    } else if (ending === 1) {
      tally(
        (
          await rawCall(session, '/offers.v1.OfferService/WatchOfferEvents', {
            requests: [watch],
            cancelAfterMs: 50,
          })
        ).status,
        counts,
      );
      session.close();
    } else {
      // Vanish: a stream left open and the socket dropped without GOAWAY or RST_STREAM.
      void rawCall(session, '/offers.v1.OfferService/WatchOfferEvents', { requests: [watch] });
      await sleep(20);
      socket.destroy();
      counts.vanished++;
    }
    await sleep(50);
  }
}

/** Kafka: producers that connect, send a batch and leave, and one consumer group reading. */
export async function kafkaLoad(kafkaAddress: string, until: number, counts: LoadCounts) {
  const kafka = new Kafka({
    clientId: 'soak',
    brokers: [kafkaAddress],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const consumer = kafka.consumer({ groupId: 'soak-readers', sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['user-offers', 'soak-load'], fromBeginning: true });
  await consumer.run({
    eachMessage: async () => {
      counts.consumed++;
    },
  });
  while (Date.now() < until) {
    const producer = kafka.producer();
    await producer.connect();
    for (let batch = 0; batch < 10 && Date.now() < until; batch++) {
      const messages = Array.from({ length: 20 }, (_, i) => ({
        key: `k${i}`,
        value: `v${serial++}`,
      }));
      await producer.send({ topic: 'soak-load', messages });
      counts.produced += messages.length;
      await sleep(100);
    }
    await producer.disconnect();
  }
  await consumer.disconnect();
}
