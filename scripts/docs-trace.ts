// npm run docs:trace: regenerates the byte-by-byte guides from real runs through handwire's
// tracer (docs/a-call-byte-by-byte.md, docs/kafka-byte-by-byte.md). The pages are deterministic,
// and test/docs/byte-by-byte.test.ts checks the committed ones equal what this produces.

import { writeFileSync } from 'node:fs';
import { GUIDES } from './docs/guides.js';

for (const guide of GUIDES) {
  writeFileSync(guide.path, await guide.generate());
  console.log(`wrote ${guide.file}`);
}
