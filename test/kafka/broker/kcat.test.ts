// The proof with a real client: kcat (librdkafka) lists metadata, produces idempotently, consumes
// from the beginning, and runs a -G consumer group whose committed offset a second run resumes from.
// Skipped where kcat is not installed.

import { execFile } from 'node:child_process';
import t from 'tap';
import { startKafkaBroker } from '../../../src/kafka/index.js';
import { OfferEventLog } from '../../../src/store/offer-event-log.js';

function kcat(
  args: string[],
  input = '',
  timeoutMs = 20_000,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile('kcat', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({
        stdout,
        stderr,
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
      });
    });
    child.stdin?.end(input);
  });
}

const available = await kcat(['-V']).then((r) => r.code === 0);

t.test(
  'kcat against the broker',
  { skip: available ? false : 'kcat is not installed' },
  async (t) => {
    const events = new OfferEventLog();
    events.append({
      eventId: 'e0',
      userId: 'u0',
      fromOffer: '',
      toOffer: 'PLUS',
      migrationId: '',
      occurredAt: 1,
    });
    const broker = await startKafkaBroker({ port: 0, offerEvents: events, log: () => {} });
    t.teardown(() => broker.close());
    const bootstrap = `127.0.0.1:${broker.address.port}`;

    const metadata = await kcat(['-b', bootstrap, '-L']);
    t.match(metadata.stdout, `broker 1 at ${bootstrap} (controller)`);
    t.match(metadata.stdout, 'topic "user-offers" with 1 partitions');

    const produced = await kcat(
      [
        '-b',
        bootstrap,
        '-P',
        '-t',
        'smoke',
        '-K',
        ':',
        '-X',
        'enable.idempotence=true',
        '-X',
        'acks=all',
      ],
      'k1:one\nk2:two\nk3:three\n',
    );
    t.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat([
      '-b',
      bootstrap,
      '-C',
      '-t',
      'smoke',
      '-o',
      'beginning',
      '-e',
      '-f',
      '%o %k %s\\n',
    ]);
    t.equal(consumed.stdout, '0 k1 one\n1 k2 two\n2 k3 three\n');

    const offers = await kcat([
      '-b',
      bootstrap,
      '-C',
      '-t',
      'user-offers',
      '-o',
      'beginning',
      '-e',
      '-f',
      '%k %h %s\\n',
    ]);
    t.match(offers.stdout, /^u0 content-type=application\/json \{"event_id":"e0","offset":0,/);
    const forged = await kcat(['-b', bootstrap, '-P', '-t', 'user-offers'], 'x\n');
    t.not(forged.code, 0);
    t.match(forged.stderr, /Topic authorization failed/);

    const group = [
      '-b',
      bootstrap,
      '-G',
      'smoke-group',
      '-X',
      'auto.offset.reset=earliest',
      '-e',
      '-f',
      '%o %s\\n',
      '-X',
      'auto.commit.interval.ms=100',
      'smoke',
    ];
    const firstRun = await kcat(group);
    t.equal(firstRun.stdout, '0 one\n1 two\n2 three\n', firstRun.stderr);
    await kcat(['-b', bootstrap, '-P', '-t', 'smoke'], 'four\n');
    const secondRun = await kcat(group);
    t.equal(secondRun.stdout, '3 four\n', 'resumes from the committed offset');
  },
);
