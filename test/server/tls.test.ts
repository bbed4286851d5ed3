// TLS and mutual TLS with certificates made by the openssl CLI at test time, grpc-js as the
// client, and certificate rotation with setSecureContext (grpc PROTOCOL-HTTP2.md "Connection" —
// h2 over TLS with ALPN; RFC 9113 §9.2; Node tls.Server#setSecureContext).

import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import tls from 'node:tls';
import t, { type Test } from 'tap';
import type { ServerCallContext } from '../../src/server/call-context.js';
import { Server } from '../../src/server/server.js';
import type { ServerOptions } from '../../src/server/server-options.js';
import { Status } from '../../src/transport/status.js';
import { EchoService } from '../fixtures/echo-codecs.js';
import { echoImplementation } from '../fixtures/echo-service.js';
import {
  EchoClient,
  type EchoClientInstance,
  grpc,
  type PlainEchoResponse,
  unary,
} from '../helpers/grpc-js-echo.js';
import { collectCall, connectRaw, echoFrame, nextEvent, openCall } from '../helpers/raw-session.js';
import { makeTestCertificates, openssl } from '../helpers/test-certificates.js';

// The certificates come from the openssl CLI: without it this file fails rather than skips.
t.match(openssl(tmpdir(), ['version']), /SSL/, 'openssl version runs');
const certs = makeTestCertificates(t);

/** Starts a TLS server with the Echo service; records each call's context. */
async function startTlsServer(t: Test, tlsOptions: ServerOptions['tls']) {
  const contexts: ServerCallContext[] = [];
  const server = new Server({
    tls: tlsOptions,
    interceptors: [
      (next) => async (call) => {
        contexts.push(call.context);
        return next(call);
      },
    ],
  });
  server.addService(EchoService, echoImplementation);
  const { address, port } = await server.listen();
  t.teardown(() => server.forceClose());
  return { server, address, port, contexts };
}

function tlsClient(t: Test, address: string, credentials: grpc.ChannelCredentials) {
  const client = new EchoClient(address, credentials) as EchoClientInstance;
  t.teardown(() => client.close());
  return client;
}

/** The status code of a unary call: 0 when it succeeds. */
function codeOf(client: EchoClientInstance): Promise<number> {
  return unary(client, { message: 'hi' }, new grpc.Metadata(), {
    deadline: Date.now() + 5000,
  }).then(
    () => Status.OK,
    (error: grpc.ServiceError) => error.code,
  );
}

/** The certificate a fresh TLS connection is served, by fingerprint and serial. */
async function servedCertificate(port: number) {
  const socket = tls.connect({ host: '127.0.0.1', port, ca: certs.ca, ALPNProtocols: ['h2'] });
  socket.on('error', () => {});
  try {
    await nextEvent(socket, 'secureConnect', 5000);
    const peer = socket.getPeerCertificate();
    return { fingerprint256: peer.fingerprint256, serialNumber: peer.serialNumber };
  } finally {
    socket.destroy();
  }
}

t.test('TLS: a grpc-js client trusting the CA makes unary and streaming calls', async (t) => {
  const { address } = await startTlsServer(t, certs.server);
  const client = tlsClient(t, address, grpc.credentials.createSsl(certs.ca));
  t.equal((await unary(client, { message: 'over tls' })).message, 'over tls');
  const indexes: number[] = [];
  for await (const response of client.ServerStream({ message: 's', count: 5 })) {
    indexes.push((response as PlainEchoResponse).index);
  }
  t.same(indexes, [0, 1, 2, 3, 4]);

  const plaintext = tlsClient(t, address, grpc.credentials.createInsecure());
  t.equal(await codeOf(plaintext), Status.UNAVAILABLE, 'a plaintext client gets nowhere');
});

t.test('mutual TLS: a client without a certificate is refused, one with is served', async (t) => {
  const { address, contexts } = await startTlsServer(t, {
    ...certs.server,
    ca: certs.ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const anonymous = tlsClient(t, address, grpc.credentials.createSsl(certs.ca));
  t.equal(await codeOf(anonymous), Status.UNAVAILABLE, 'no client certificate: UNAVAILABLE');
  t.equal(contexts.length, 0, 'its call never reached a handler');

  const credentials = grpc.credentials.createSsl(certs.ca, certs.client.key, certs.client.cert);
  const authenticated = tlsClient(t, address, credentials);
  t.equal(await codeOf(authenticated), Status.OK, 'with a certificate signed by the CA: OK');
  t.equal(contexts.length, 1);
  t.match(contexts[0]!.peer, /^127\.0\.0\.1:\d+$/, 'the handler sees the peer address');
});

t.test(
  'setSecureContext: live connections keep working, new ones get the new certificate',
  async (t) => {
    const { server, address, port } = await startTlsServer(t, certs.server);
    const before = new X509Certificate(certs.server.cert);
    const after = new X509Certificate(certs.rotatedServer.cert);
    t.not(before.fingerprint256, after.fingerprint256);

    const raw = await connectRaw(t, address, { ca: certs.ca }, 'https');
    const socket = raw.session.socket as tls.TLSSocket;
    t.equal(socket.getPeerCertificate().fingerprint256, before.fingerprint256);
    t.equal((await servedCertificate(port)).fingerprint256, before.fingerprint256);

    server.setSecureContext(certs.rotatedServer);

    const stream = openCall(raw.session, 'Unary');
    stream.end(echoFrame({ message: 'same connection' }));
    const { status, responses } = await collectCall(stream);
    t.equal(status, '0', 'the connection opened before the rotation still serves calls');
    t.equal(responses[0]?.message, 'same connection');
    t.equal(socket.getPeerCertificate().fingerprint256, before.fingerprint256, 'on the old cert');

    const served = await servedCertificate(port);
    t.equal(served.fingerprint256, after.fingerprint256, 'a new connection gets the new cert');
    const withoutLeadingZeros = (serial: string) => serial.replace(/^0+/, '');
    t.equal(
      withoutLeadingZeros(served.serialNumber),
      withoutLeadingZeros(after.serialNumber),
      'the new cert by serial too',
    );
    const fresh = tlsClient(t, address, grpc.credentials.createSsl(certs.ca));
    t.equal(await codeOf(fresh), Status.OK, 'and a grpc-js client trusts it (same CA)');
  },
);
