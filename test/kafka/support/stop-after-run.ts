// tap's `after` script: stops the Apache Kafka broker when this tap run started it (its owner file
// names this run's tap process, our parent), and leaves one started by hand running.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { KAFKA_RUN_DIR, REPO_ROOT } from './apache-kafka.js';

let owner = '';
try {
  owner = readFileSync(`${KAFKA_RUN_DIR}/owner`, 'utf8').trim();
} catch {
  // no broker was started by a test file: nothing to stop
}
if (owner !== '' && owner === String(process.ppid)) {
  execFileSync('bash', [`${REPO_ROOT}.ci/apache-kafka/stop.sh`], {
    stdio: 'inherit',
    timeout: 30_000,
  });
}
