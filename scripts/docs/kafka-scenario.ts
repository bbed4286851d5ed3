// The run docs/kafka-byte-by-byte.md shows: an offer store with a fixed clock and counted ids, the
// embedded Kafka broker serving its event log as `user-offers`, one SetUserOffer-style change, and
// a Fetch v11 for it sent over a raw socket, so both frames are exactly the bytes that went by.

import net from 'node:net';
import { startKafkaBroker } from '../../src/kafka/broker/kafka-broker.js';
import { ApiKey } from '../../src/kafka/protocol/api-keys.js';
import type { FetchRequest, FetchResponse } from '../../src/kafka/protocol/apis/fetch.js';
import { FrameDecoder } from '../../src/kafka/protocol/framing.js';
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
} from '../../src/kafka/protocol/request-frame.js';
import { OfferStore } from '../../src/store/offer-store.js';
import { UserStore } from '../../src/store/user-store.js';
import { Role } from '../../src/wire/messages/user.js';
import { FIXED_NOW } from './call-scenarios.js';

/** The version kcat (librdkafka) sends to a broker of Kafka 2.x and later. */
export const FETCH_VERSION = 11;
export const USER_ID = '00000000-0000-4000-8000-000000000001';

export interface KafkaRun {
  readonly request: Buffer;
  readonly response: Buffer;
  readonly decoded: FetchResponse;
  /** The request as the broker's codec decodes it from the bytes sent. */
  readonly fetchRequest: unknown;
}

/** Waits until the broker's copy of the event log has the event (it is fed on the next turn). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

export async function runKafkaScenario(): Promise<KafkaRun> {
  let events = 0;
  const users = new UserStore({ now: () => FIXED_NOW, newId: () => USER_ID });
  users.create({
    username: 'ada',
    email: 'ada@example.com',
    fullName: 'Ada Lovelace',
    role: Role.ROLE_USER,
  });
  const offers = new OfferStore(users, {
    now: () => FIXED_NOW,
    newEventId: () => `00000000-0000-4000-9000-${String(++events).padStart(12, '0')}`,
  });
  const broker = await startKafkaBroker({ port: 0, offerEvents: offers.log, log: () => {} });
  try {
    offers.set(USER_ID, 'PLUS');
    await settle();
    const fetchRequest = {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1_048_576,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'user-offers',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0,
              logStartOffset: -1,
              partitionMaxBytes: 1_048_576,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    } as unknown as FetchRequest;
    const request = Buffer.concat(
      encodeRequestFrame(
        {
          requestApiKey: ApiKey.Fetch,
          requestApiVersion: FETCH_VERSION,
          correlationId: 1,
          clientId: 'guide',
        },
        fetchRequest,
      ),
    );
    const response = await exchange(broker.address.port, request);
    const { body } = decodeResponseFrame(ApiKey.Fetch, FETCH_VERSION, response.subarray(4));
    const asRead = decodeRequestFrame(request.subarray(4)).body;
    return { request, response, decoded: body as FetchResponse, fetchRequest: asRead };
  } finally {
    await broker.close();
  }
}

/** Sends one request frame and resolves with the response frame, size prefix included. */
function exchange(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const frames = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      const [frame] = frames.push(chunk);
      if (frame === undefined) return;
      const size = Buffer.alloc(4);
      size.writeInt32BE(frame.length);
      socket.end();
      resolve(Buffer.concat([size, frame]));
    });
    socket.on('error', reject);
  });
}
