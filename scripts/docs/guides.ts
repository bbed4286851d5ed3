// The generated guides: where each is written and how it is made, shared by
// scripts/docs-trace.ts (which writes them) and the test that checks they are current.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callDocument } from './call-document.js';
import { runCallScenarios } from './call-scenarios.js';
import { kafkaDocument } from './kafka-document.js';
import { runKafkaScenario } from './kafka-scenario.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Guide {
  /** From the repository root. */
  readonly file: string;
  readonly path: string;
  readonly generate: () => Promise<string>;
}

const guide = (file: string, generate: () => Promise<string>): Guide => ({
  file,
  path: path.join(ROOT, file),
  generate,
});

export const GUIDES: readonly Guide[] = [
  guide('docs/a-call-byte-by-byte.md', async () => callDocument(await runCallScenarios())),
  guide('docs/kafka-byte-by-byte.md', async () => kafkaDocument(await runKafkaScenario())),
];
