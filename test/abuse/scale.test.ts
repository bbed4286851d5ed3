// Scale (RFC 9113 §5.1.2 concurrency): many connections, each with many concurrent streams, served
// to completion by one `handwire serve`, with its memory per idle connection and per open stream.
// CI runs 20 connections × 100 streams (2,000) to stay fast on 2 cores; the full 100 × 100 =
// 10,000 runs outside CI: `npm run scale` (scripts/scale/scale.ts).

import t from 'tap';
import { startServe } from '../helpers/serve-process.js';
import { runScale } from './support/scale-run.js';
import { canMeasure } from './support/server-usage.js';

t.test(
  '2,000 concurrent streams over 20 connections',
  { skip: !canMeasure() && 'needs Linux /proc' },
  async (t) => {
    t.setTimeout(90_000);
    const serve = await startServe(['--no-kafka']);
    t.teardown(() => serve.stop('SIGKILL'));
    const report = await runScale(serve.address, serve.child.pid!, {
      connections: 20,
      streamsEach: 100,
    });
    t.comment(
      `${report.streams} streams over ${report.connections} connections: ${report.completed} completed in ${report.callsMs} ms; ` +
        `server RSS ${report.perConnectionKb.toFixed(1)} KiB per idle connection, ${report.perStreamKb.toFixed(1)} KiB per open stream`,
    );
    t.equal(report.completed, report.streams, 'every call completed with OK');
  },
);
