// Prints which src/ files and functions run for one warm unary call, client and server in one
// process: V8 precise coverage (node:inspector, Profiler.takePreciseCoverage with call counts)
// around a single call made after a warm-up. Run: node --import tsx scripts/call-road.ts [--list]

import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = `${path.join(root, 'src')}${path.sep}`;

const session = new Session();
session.connect();
await session.post('Profiler.enable');
// Started before anything of src/ loads, so every function gets a call counter.
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

const { createChannel, createClient, method, Server, Writer } = await import('../src/index.js');
type Text = { text: string };
/** One string field, written by hand like every codec: tag 1, length-delimited. */
const TextCodec = {
  typeName: 'callroad.Text',
  create: (): Text => ({ text: '' }),
  size(m: Text) {
    const bytes = Buffer.byteLength(m.text);
    return bytes === 0 ? 0 : 1 + (bytes < 128 ? 1 : 2) + bytes; // texts here are short
  },
  write(m: Text, w: InstanceType<typeof Writer>) {
    if (m.text !== '') w.tag(1, 2).string(m.text);
  },
  read(r: import('../src/wire/reader.js').Reader, into?: Text): Text {
    const m = into ?? { text: '' };
    while (r.pos < r.end) {
      const key = r.tag();
      if (key === ((1 << 3) | 2)) m.text = r.string();
      else r.skip(key);
    }
    return m;
  },
};
const Echo = {
  name: 'callroad.Echo',
  methods: { Say: method('callroad.Echo', 'Say', 'unary', TextCodec, TextCodec) },
};

const server = new Server();
server.addService(Echo, { Say: async (request: Text) => ({ text: request.text }) });
const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
const channel = createChannel(`127.0.0.1:${port}`);
const client = createClient(Echo, channel);

// Warm-up: connect, and run every path once so lazy set-up is not counted.
for (let i = 0; i < 20; i++) await client.Say({ text: `warm ${i}` });
await new Promise((resolve) => setTimeout(resolve, 20));

await session.post('Profiler.takePreciseCoverage'); // resets the counters
const reply = await client.Say({ text: 'hello' });
// Let the server's stream close and its bookkeeping run: still part of the call.
await new Promise((resolve) => setTimeout(resolve, 20));
const { result } = await session.post('Profiler.takePreciseCoverage');
await session.post('Profiler.stopPreciseCoverage');
session.disconnect();

channel.close();
await server.close();
if (reply.text !== 'hello') throw new Error(`the call answered ${JSON.stringify(reply)}`);

const ran = new Map<string, string[]>();
for (const script of result) {
  if (!script.url.startsWith('file:')) continue;
  const file = fileURLToPath(script.url);
  if (!file.startsWith(srcDir)) continue;
  for (const fn of script.functions) {
    const count = fn.ranges[0]?.count ?? 0;
    // The module's own top level (an empty name at offset 0) ran at import, not for the call;
    // `__name` is the helper tsx's transpiler adds to keep function names, not code of src/.
    if (count === 0 || fn.functionName === '__name') continue;
    if (fn.functionName === '' && fn.ranges[0]?.startOffset === 0) continue;
    const names = ran.get(file) ?? [];
    names.push(fn.functionName === '' ? '(anonymous)' : fn.functionName);
    ran.set(file, names);
  }
}
let functions = 0;
const files = [...ran.keys()].sort();
const list = process.argv.includes('--list');
for (const file of files) {
  const names = ran.get(file)!;
  functions += names.length;
  console.log(`${String(names.length).padStart(3)}  ${path.relative(root, file)}`);
  if (list) console.log(`       ${names.join(', ')}`);
}
const retry = files.filter((f) => /retry|hedg/.test(path.basename(f)));
console.log(`${files.length} files, ${functions} functions ran for one warm unary call`);
console.log(
  retry.length === 0
    ? 'no retry or hedging file ran'
    : `retry or hedging code ran: ${retry.map((f) => path.relative(root, f)).join(', ')}`,
);
