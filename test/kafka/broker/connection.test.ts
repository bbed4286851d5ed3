// A connection under load: a hundred pipelined requests (reading pauses while they queue) all
// answered in order, and responses to a client that stops reading wait for 'drain' instead of
// piling up, then all arrive.

import t from 'tap';
import { buildRecordBatch, ErrorCode } from '../../../src/kafka/protocol/index.js';
import {
  brokerWithClient,
  fetchRequest,
  metadataRequest,
  produceRequest,
} from './broker-fixtures.js';

t.test('a hundred pipelined requests are answered, in order', async (t) => {
  const { client } = await brokerWithClient(t);
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? client.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })
        : client.request(3, 9, metadataRequest([`topic-${i}`])),
    ),
  );
  t.equal(answers.length, 100, 'each matched to its correlation id by the test client');
});

t.test('a client that stops reading holds the broker back until it reads again', async (t) => {
  const { client } = await brokerWithClient(t);
  await client.request(3, 9, metadataRequest(['wide']));
  const value = Buffer.alloc(1 << 20, 7);
  const batch = buildRecordBatch([{ value, timestamp: 1 }]);
  const produced = await client.request(0, 7, produceRequest('wide', batch));
  t.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.NONE);
  client.socket.pause();
  const fetches = Array.from({ length: 12 }, () =>
    client.request(1, 11, fetchRequest('wide', 0, {}, 2 << 20)),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.ok(
    client.socket.readableLength + client.socket.bytesRead < 12 * (1 << 20),
    'not everything was sent yet',
  );
  client.socket.resume();
  const responses = await Promise.all(fetches);
  t.ok(responses.every((r) => (r.responses[0]!.partitions[0]!.records as Buffer).length > 1 << 20));
});
