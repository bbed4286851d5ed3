// --kafka-brokers host:port[,host:port…] (docs/kafka-publisher.md): what it takes, and the one
// sentence a malformed list gets, from the parser and from `handwire serve` itself (exit code 2).

import t from 'tap';
import { parseKafkaBrokersFlag } from '../../src/cli/kafka-brokers-flag.js';
import { checkServeFlags } from '../../src/cli/serve.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { runHandwire } from '../helpers/serve-process.js';

const FLAG = '--kafka-brokers';

t.test('a list of host:port, IPv6 in brackets', async (t) => {
  t.same(parseKafkaBrokersFlag(FLAG, '127.0.0.1:9092'), [{ host: '127.0.0.1', port: 9092 }]);
  t.same(parseKafkaBrokersFlag(FLAG, 'kafka-1:9092, kafka-2:9093,[::1]:9094'), [
    { host: 'kafka-1', port: 9092 },
    { host: 'kafka-2', port: 9093 },
    { host: '::1', port: 9094 },
  ]);
});

t.test('a malformed list is one sentence naming the flag and the entry', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /--kafka-brokers takes host:port\[,host:port…\] \(e\.g\. 127\.0\.0\.1:9092\), got ""/],
    ['a:1,,b:2', /takes host:port/],
    ['kafka', /"kafka" is not host:port/],
    ['kafka:port', /"kafka:port" is not host:port/],
    ['::1:9092', /is an IPv6 address without brackets/],
    ['[kafka]:9092', /brackets around something other than an IPv6 address/],
    ['kafka:0', /port outside 1–65535/],
    ['kafka:70000', /port outside 1–65535/],
  ];
  for (const [value, sentence] of cases) {
    t.throws(() => parseKafkaBrokersFlag(FLAG, value), UsageError, value);
    t.throws(() => parseKafkaBrokersFlag(FLAG, value), sentence, value);
  }
});

t.test('serve checks the flag with the others', async (t) => {
  const flags = { host: '127.0.0.1', port: '0', maxMessageBytes: '4', shutdownGrace: '1' };
  t.same(checkServeFlags({ ...flags, kafkaBrokers: 'k:1' }, {}).kafkaBrokers, [
    { host: 'k', port: 1 },
  ]);
  t.equal(checkServeFlags(flags, {}).kafkaBrokers, undefined, 'no flag, no publisher');
  const result = await runHandwire(['serve', '--no-kafka', '--kafka-brokers', 'localhost']);
  t.equal(result.code, 2);
  t.match(result.stderr, /--kafka-brokers: "localhost" is not host:port/);
});
