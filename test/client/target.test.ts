// parseTarget: the target forms of grpc doc/naming.md that handwire accepts.

import t from 'tap';
import { parseTarget } from '../../src/client/target.js';

t.test('host:port, dns:, ipv4:, IPv6 in brackets', async (t) => {
  t.same(parseTarget('127.0.0.1:50051'), [
    { kind: 'tcp', host: '127.0.0.1', port: 50051, label: '127.0.0.1:50051' },
  ]);
  t.same(parseTarget('dns:///localhost:8080'), [
    { kind: 'tcp', host: 'localhost', port: 8080, label: 'localhost:8080' },
  ]);
  t.same(parseTarget('dns:localhost:8080')[0]?.label, 'localhost:8080');
  t.same(parseTarget('dns://8.8.8.8/example.com:9')[0]?.label, 'example.com:9');
  t.same(parseTarget('ipv4:10.0.0.1:1')[0]?.label, '10.0.0.1:1');
  t.same(parseTarget('[::1]:50051'), [
    { kind: 'tcp', host: '::1', port: 50051, label: '[::1]:50051' },
  ]);
  t.same(parseTarget('example.com')[0], {
    kind: 'tcp',
    host: 'example.com',
    port: 443,
    label: 'example.com:443',
  });
  t.same(parseTarget('::1')[0]?.label, '[::1]:443', 'a bare IPv6 address');
});

t.test('unix sockets', async (t) => {
  t.same(parseTarget('unix:/tmp/a.sock'), [
    { kind: 'unix', path: '/tmp/a.sock', label: 'unix:/tmp/a.sock' },
  ]);
  t.same(parseTarget('unix:///tmp/a.sock')[0], {
    kind: 'unix',
    path: '/tmp/a.sock',
    label: 'unix:/tmp/a.sock',
  });
  t.same(parseTarget('unix:rel.sock')[0]?.label, 'unix:rel.sock');
});

t.test('a list of targets', async (t) => {
  t.same(
    parseTarget(['127.0.0.1:1', 'unix:/x']).map((a) => a.label),
    ['127.0.0.1:1', 'unix:/x'],
  );
});

t.test('bad targets are refused with a sentence naming them', async (t) => {
  t.throws(() => parseTarget([]), /at least one target/);
  t.throws(() => parseTarget('unix:'), /names no socket path/);
  t.throws(() => parseTarget(':80'), /names no host/);
  t.throws(() => parseTarget('host:http'), /has port "http": use a number 0-65535/);
  t.throws(() => parseTarget('host:70000'), /use a number 0-65535/);
  t.throws(() => parseTarget('[::1'), /unclosed \[/);
  t.throws(() => parseTarget('[::1]x'), /expected ":port"/);
});
