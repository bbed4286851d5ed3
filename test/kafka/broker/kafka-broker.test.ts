// The broker as a server: ApiVersions (and its v0 fallback), Metadata with auto-creation,
// answers in request order, acks=0, and connections closed for garbage without harm to others.

import { once } from 'node:events';
import { connect } from 'node:net';
import t from 'tap';
import { startKafkaBroker } from '../../../src/kafka/index.js';
import {
  ADVERTISED_API_VERSIONS,
  decodeResponseFrame,
  ErrorCode,
  FrameDecoder,
} from '../../../src/kafka/protocol/index.js';
import { batchOf, brokerWithClient, metadataRequest, produceRequest } from './broker-fixtures.js';
import { KafkaTestClient } from './kafka-test-client.js';

t.test('ApiVersions lists the advertised ranges from 0, never telemetry (71)', async (t) => {
  const { client } = await brokerWithClient(t);
  const response = await client.request(18, 3, {
    clientSoftwareName: 'test',
    clientSoftwareVersion: '1',
  });
  t.equal(response.errorCode, ErrorCode.NONE);
  t.same(
    response.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
    ADVERTISED_API_VERSIONS.map((a) => [a.apiKey, 0, a.maxVersion]),
  );
  t.notOk(response.apiKeys.some((k) => k.apiKey === 71));
  const v0 = await client.request(18, 0, { clientSoftwareName: '', clientSoftwareVersion: '' });
  t.equal(v0.apiKeys.length, ADVERTISED_API_VERSIONS.length);
});

t.test(
  'ApiVersions in a version above ours: v0 format, UNSUPPORTED_VERSION, the list',
  async (t) => {
    const { broker } = await brokerWithClient(t);
    const socket = connect(broker.address.port, '127.0.0.1');
    await once(socket, 'connect');
    t.teardown(() => socket.destroy());
    // ApiVersions v9 (header v2: flexible), correlation id 77, client id "x", no tagged fields.
    const body = Buffer.from([0, 18, 0, 9, 0, 0, 0, 77, 0, 1, 0x78, 0, 2, 0x61, 2, 0x31, 0]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    socket.write(Buffer.concat([size, body]));
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    const [frame] = new FrameDecoder().push(chunk);
    const { correlationId, body: response } = decodeResponseFrame(18, 0, frame!);
    t.equal(correlationId, 77);
    t.equal(response.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    t.ok(response.apiKeys.some((k) => k.apiKey === 18 && k.maxVersion === 3));
  },
);

t.test('Metadata: this broker as leader and controller at its bound address', async (t) => {
  const { client, broker } = await brokerWithClient(t);
  const response = await client.request(3, 9, metadataRequest(['orders']));
  t.same(response.brokers, [
    { nodeId: 1, host: '127.0.0.1', port: broker.address.port, rack: null },
  ]);
  t.equal(response.controllerId, 1);
  const [topic] = response.topics;
  t.equal(topic?.name, 'orders');
  t.equal(topic?.errorCode, ErrorCode.NONE, 'created on first use');
  t.same(
    topic?.partitions.map((p) => [p.partitionIndex, p.leaderId, p.replicaNodes, p.isrNodes]),
    [[0, 1, [1], [1]]],
  );
  t.ok(broker.topics.get('orders'));
  const refused = await client.request(3, 9, metadataRequest(['other'], false));
  t.equal(
    refused.topics[0]?.errorCode,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    'allowAutoTopicCreation false',
  );
  const invalid = await client.request(3, 9, metadataRequest(['bad name']));
  t.equal(invalid.topics[0]?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  const all = await client.request(3, 1, metadataRequest(null));
  t.same(
    all.topics.map((x) => x.name),
    ['orders'],
  );
  const none = await client.request(3, 1, metadataRequest([]));
  t.same(none.topics, [], 'v1: [] asks for no topic');
  const v0all = await client.request(3, 0, metadataRequest([]));
  t.same(
    v0all.topics.map((x) => x.name),
    ['orders'],
    'v0: [] asks for every topic',
  );
});

t.test('a broker without auto-creation and with an advertised host', async (t) => {
  const { client } = await brokerWithClient(t, {
    autoCreateTopics: false,
    advertisedHost: 'kafka.local',
    nodeId: 7,
  });
  const response = await client.request(3, 4, metadataRequest(['x']));
  t.equal(response.topics[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  t.equal(response.brokers[0]?.host, 'kafka.local');
  t.equal(response.brokers[0]?.nodeId, 7);
  const coordinator = await client.request(10, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
  t.equal(coordinator.nodeId, 7);
  const batch = await client.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] });
  t.same(
    batch.coordinators?.map((c) => [c.key, c.nodeId, c.host]),
    [
      ['a', 7, 'kafka.local'],
      ['b', 7, 'kafka.local'],
    ],
  );
});

t.test('pipelined requests are answered in order; acks=0 gets no answer', async (t) => {
  const { client, broker } = await brokerWithClient(t);
  await client.request(3, 9, metadataRequest(['p']));
  client.send(0, 7, produceRequest('p', batchOf(['fire-and-forget']), { acks: 0 }));
  const answers = await Promise.all([
    client.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }),
    client.request(0, 7, produceRequest('p', batchOf(['acked']))),
    client.request(3, 9, metadataRequest(['p'])),
  ]);
  t.equal(answers[1].responses[0]?.partitionResponses[0]?.baseOffset, 1, 'after the acks=0 record');
  t.equal(broker.topics.partition('p', 0)?.logEndOffset, 2);
});

t.test('garbage closes that connection only, with one log line', async (t) => {
  const { broker, client, logs } = await brokerWithClient(t, { maxRequestBytes: 1 << 20 });
  const cases: Array<[string, Buffer, RegExp]> = [
    ['a 2 GiB size prefix', Buffer.from([0x7f, 0xff, 0xff, 0xff]), /exceeds the maximum/],
    ['a negative size', Buffer.from([0xff, 0xff, 0xff, 0xff]), /negative/],
    [
      'an unknown API key',
      Buffer.from([0, 0, 0, 10, 0, 99, 0, 0, 0, 0, 0, 1, 0xff, 0xff]),
      /unknown API key 99/,
    ],
    [
      'an unsupported version',
      Buffer.from([0, 0, 0, 11, 0, 3, 0, 99, 0, 0, 0, 1, 0xff, 0xff, 0]),
      /Metadata version 99/,
    ],
    [
      'a truncated body',
      Buffer.from([0, 0, 0, 10, 0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff]),
      /malformed Metadata/,
    ],
  ];
  for (const [name, bytes, logged] of cases) {
    const socket = connect(broker.address.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.on('error', () => {});
    socket.write(bytes);
    await once(socket, 'close');
    t.match(logs.at(-1), logged, name);
  }
  t.equal(logs.length, cases.length, 'one line each');
  const still = await client.request(18, 3, {
    clientSoftwareName: 't',
    clientSoftwareVersion: '1',
  });
  t.equal(still.errorCode, ErrorCode.NONE, 'the other connection is unharmed');
});

t.test('close() ends connections and a long-poll, and the port is free again', async (t) => {
  const broker = await startKafkaBroker({ port: 0, log: () => {} });
  const client = await KafkaTestClient.connect(broker.address.port);
  await client.request(3, 9, metadataRequest(['lp']));
  const started = Date.now();
  const fetch = client.request(1, 11, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 30_000,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 'lp',
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes: 1000,
            replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  fetch.catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  await broker.close();
  await client.ended;
  t.ok(Date.now() - started < 5000, 'the long-poll did not hold close()');
  await broker.close();
  const again = await startKafkaBroker({ port: broker.address.port, log: () => {} });
  await again.close();
  await t.rejects(startKafkaBroker({ port: -1 }), 'a bad port fails to start');
});

t.test("a failed acks=0 produce closes the connection, the producer's only signal", async (t) => {
  const { client, broker, logs } = await brokerWithClient(t);
  broker.topics.create({
    name: 'ro',
    numPartitions: 1,
    replicationFactor: 1,
    readOnlyToProducers: true,
  });
  client.send(0, 7, produceRequest('ro', batchOf(['x']), { acks: 0 }));
  await client.ended;
  t.match(logs, [/a Produce request with acks=0 failed/]);
  t.equal(broker.topics.partition('ro', 0)?.logEndOffset, 0);
});
