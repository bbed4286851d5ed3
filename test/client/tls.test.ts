// The client over TLS and mutual TLS, against handwire's and grpc-js's servers: trusted roots,
// client certificates, the server name override and its :authority, and failed handshakes
// (grpc PROTOCOL-HTTP2.md "Connection": h2 over TLS with ALPN; RFC 9113 §3.2).

import http2 from 'node:http2';
import type net from 'node:net';
import t, { type Test } from 'tap';
import { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/server-options.js';
import type { GrpcError } from '../../src/transport/grpc-error.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import { echoRequest, handwireEchoClient } from '../helpers/echo-client.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { grpc, startGrpcJsEchoServer } from '../helpers/grpc-js-echo-server.js';
import { answerEcho } from '../helpers/raw-grpc-answer.js';
import { type KeyPair, makeTestCertificates } from '../helpers/test-certificates.js';

const certs = makeTestCertificates(t);

async function startTlsEchoServer(t: Test, tls: ServerOptions['tls']) {
  const peers: string[] = [];
  const server = new Server({
    tls,
    interceptors: [
      (next) => async (call) => {
        peers.push(call.context.peer);
        return next(call);
      },
    ],
  });
  server.addService(EchoService, echoImplementation);
  const bound = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.forceClose());
  return { address: bound.address, port: bound.port, peers };
}

/** A bare TLS HTTP/2 server that answers every call OK and records the request headers. */
async function startRecordingTlsServer(t: Test, keyPair: KeyPair) {
  const seen: http2.IncomingHttpHeaders[] = [];
  const servernames: (string | false)[] = [];
  const server = http2.createSecureServer({ ...keyPair, allowHTTP1: false });
  server.on('secureConnection', (socket) => servernames.push(socket.servername));
  server.on('stream', (stream, headers) => {
    seen.push(headers);
    stream.on('error', () => {});
    stream.resume();
    stream.on('end', () => answerEcho(stream, [{ message: 'ok' }]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  // close() waits for sessions; the channel's teardown ends them.
  const port = (server.address() as net.AddressInfo).port;
  return { port, seen, servernames };
}

async function failure(call: Promise<unknown>): Promise<GrpcError> {
  return (await call.then(
    () => {
      throw new Error('the call succeeded where it should have failed');
    },
    (e: unknown) => e,
  )) as GrpcError;
}

/** What a server that requires a client certificate makes a client without one report. */
function certificateRequired(address: string): string {
  return `TLS handshake with ${address} failed: tlsv13 alert certificate required (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED): the server requires a client certificate: set tls.cert and tls.key`;
}

t.test('against the handwire TLS server', async (t) => {
  t.test('unary and server streaming over TLS, trusting the test CA', async (t) => {
    const { address } = await startTlsEchoServer(t, certs.server);
    const { client, channel } = handwireEchoClient(t, address, { tls: { ca: certs.ca } });
    t.equal(channel.authority, address, ':authority is the target');
    t.equal((await client.Unary(echoRequest({ message: 'over tls' }))).message, 'over tls');
    const indexes: number[] = [];
    for await (const r of client.ServerStream(echoRequest({ count: 5 }))) indexes.push(r.index);
    t.same(indexes, [0, 1, 2, 3, 4]);
    const total = await client.ClientStream([
      echoRequest({ message: 'a' }),
      echoRequest({ message: 'b' }),
    ]);
    t.equal(total.message, 'a,b');
  });

  t.test(
    'a certificate no trusted CA signed: UNAVAILABLE naming the address and why',
    async (t) => {
      const { address } = await startTlsEchoServer(t, certs.server);
      const { client, channel } = handwireEchoClient(t, address, { tls: {} });
      const error = await failure(client.Unary(echoRequest()));
      t.equal(error.code, Status.UNAVAILABLE);
      t.match(
        error.message,
        `TLS handshake with ${address} failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE): the server certificate is not signed by a trusted CA: set tls.ca`,
      );
      t.equal(channel.state, 'transientFailure');
    },
  );

  t.test('a certificate for another name: ERR_TLS_CERT_ALTNAME_INVALID', async (t) => {
    const { address } = await startTlsEchoServer(t, certs.namedServer);
    const { client } = handwireEchoClient(t, address, { tls: { ca: certs.ca } });
    const error = await failure(client.Unary(echoRequest()));
    t.equal(error.code, Status.UNAVAILABLE);
    t.match(
      error.message,
      new RegExp(`^TLS handshake with ${address} failed: .*ERR_TLS_CERT_ALTNAME_INVALID`),
    );
  });

  t.test('a TLS client to a plaintext server says the server does not speak TLS', async (t) => {
    const { address } = await startEchoServer(t);
    const { client } = handwireEchoClient(t, address, { tls: { ca: certs.ca } });
    const error = await failure(client.Unary(echoRequest()));
    t.equal(error.code, Status.UNAVAILABLE);
    t.match(
      error.message,
      new RegExp(`^TLS handshake with ${address} failed: .*the server does not speak TLS there`),
    );
  });

  t.test('mutual TLS: refused without a client certificate, served with one', async (t) => {
    const { address, peers } = await startTlsEchoServer(t, {
      ...certs.server,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const anonymous = handwireEchoClient(t, address, { tls: { ca: certs.ca } });
    const started = Date.now();
    const error = await failure(anonymous.client.Unary(echoRequest()));
    t.equal(error.code, Status.UNAVAILABLE);
    t.equal(error.message, certificateRequired(address));
    t.ok(Date.now() - started < 5000, 'at once, not after the connect timeout');
    t.equal(peers.length, 0, 'the call never reached a handler');

    const { client } = handwireEchoClient(t, address, {
      tls: { ca: certs.ca, cert: certs.client.cert, key: certs.client.key },
    });
    t.equal((await client.Unary(echoRequest({ message: 'mutual' }))).message, 'mutual');
    t.equal(peers.length, 1);
  });
});

t.test('serverName: the SNI, the name checked, and the :authority (as grpc-go)', async (t) => {
  const recording = await startRecordingTlsServer(t, certs.namedServer);
  const target = `127.0.0.1:${recording.port}`;
  const { client, channel } = handwireEchoClient(t, target, {
    tls: { ca: certs.ca, serverName: 'handwire.test' },
  });
  t.equal((await client.Unary(echoRequest())).message, 'ok');
  t.equal(recording.seen[0]?.[':authority'], 'handwire.test');
  t.equal(recording.seen[0]?.[':scheme'], 'https');
  t.same(recording.servernames, ['handwire.test'], 'sent as SNI');
  channel.close();

  const plain = await startRecordingTlsServer(t, certs.server);
  const { client: second } = handwireEchoClient(t, `localhost:${plain.port}`, {
    tls: { ca: certs.ca },
  });
  await second.Unary(echoRequest());
  t.equal(plain.seen[0]?.[':authority'], `localhost:${plain.port}`, 'without it, the target');
  t.same(plain.servernames, ['localhost'], 'the target host is the SNI');
});

t.test('bad tls options fail createChannel with a sentence', async (t) => {
  t.throws(
    () => handwireEchoClient(t, '127.0.0.1:1', { tls: { cert: certs.client.cert } }),
    /tls.cert and tls.key go together/,
  );
  t.throws(
    () => handwireEchoClient(t, '127.0.0.1:1', { tls: { ca: 42 as unknown as string } }),
    /tls.ca must be PEM text/,
  );
  t.throws(
    () => handwireEchoClient(t, '127.0.0.1:1', { tls: { serverName: '' } }),
    /tls.serverName must be a non-empty host name/,
  );
});

t.test('against the grpc-js TLS server', async (t) => {
  t.test('all four call shapes over TLS', async (t) => {
    const { address } = await startGrpcJsEchoServer(
      t,
      {},
      grpc.ServerCredentials.createSsl(null, [
        { private_key: certs.server.key, cert_chain: certs.server.cert },
      ]),
    );
    const { client } = handwireEchoClient(t, address, { tls: { ca: certs.ca } });
    t.equal((await client.Unary(echoRequest({ message: 'tls' }))).message, 'tls');
    const indexes: number[] = [];
    for await (const r of client.ServerStream(echoRequest({ count: 3 }))) indexes.push(r.index);
    t.same(indexes, [0, 1, 2]);
    t.equal((await client.ClientStream([echoRequest({ message: 'x' })])).message, 'x');
    const seen: string[] = [];
    for await (const r of client.Bidi([echoRequest({ message: 'y' })])) seen.push(r.message);
    t.same(seen, ['y']);
  });

  t.test('mutual TLS with a grpc-js server that requires client certificates', async (t) => {
    const { address } = await startGrpcJsEchoServer(
      t,
      {},
      grpc.ServerCredentials.createSsl(
        certs.ca,
        [{ private_key: certs.server.key, cert_chain: certs.server.cert }],
        true,
      ),
    );
    const anonymous = handwireEchoClient(t, address, { tls: { ca: certs.ca } });
    const error = await failure(anonymous.client.Unary(echoRequest()));
    t.equal(error.code, Status.UNAVAILABLE);
    t.equal(error.message, certificateRequired(address));
    const { client } = handwireEchoClient(t, address, {
      tls: { ca: certs.ca, cert: certs.client.cert, key: certs.client.key },
    });
    t.equal((await client.Unary(echoRequest({ message: 'mutual' }))).message, 'mutual');
  });
});
