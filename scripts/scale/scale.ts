// The full scale run, outside CI: `npm run scale -- [--connections 100] [--streams 100]` serves
// connections × streams concurrent calls (10,000 by default) from one `handwire serve` and prints
// its memory per idle connection and per open stream (test/abuse/support/scale-run.ts).

import { parseArgs } from 'node:util';
import { runScale } from '../../test/abuse/support/scale-run.js';
import { startServe } from '../../test/helpers/serve-process.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '100' },
    streams: { type: 'string', default: '100' },
  },
});
const connections = Number(values.connections);
const streamsEach = Number(values.streams);
if (!(connections >= 1) || !(streamsEach >= 1) || streamsEach > 1000) {
  console.error('usage: npm run scale -- --connections N (1 or more) --streams M (1 to 1000)');
  process.exit(2);
}
const serve = await startServe(['--no-kafka']);
try {
  const report = await runScale(serve.address, serve.child.pid!, { connections, streamsEach });
  console.log(
    `${report.streams} streams over ${report.connections} connections: ${report.completed} completed in ${report.callsMs} ms; ` +
      `server RSS ${report.perConnectionKb.toFixed(1)} KiB per idle connection, ${report.perStreamKb.toFixed(1)} KiB per open stream`,
  );
  process.exitCode = report.completed === report.streams ? 0 : 1;
} finally {
  await serve.stop('SIGKILL');
}
