// Interceptor benchmark: what each standard interceptor of `handwire serve` adds to a unary call,
// in CPU µs per call, measured in-process without a network (docs/design.md "Measuring").
//
// Usage: npm run bench -- interceptors [--calls N] [--rounds R]
//
// Each case runs N unary calls through a chain around a handler that returns at once, on a fresh
// ServerCallContext per call (as the server makes one); "cost" is the case's time per call less
// the bare chain's (the handler alone), measured in the same round. The cases alternate within a
// round and each figure is the median of R rounds. The logger is `handwire serve`'s own
// (createStderrLogger: pino, batched asynchronous writes), writing to /dev/null instead of stderr.
//
// The interceptors measured are the compiled ones in dist/ (`npm run bench` builds first), as
// `handwire serve` runs them, not src/ through tsx: tsx compiles with esbuild's keepNames, which
// wraps every function expression in a `__name(…)` call, and made the closures each call creates
// cost about twice what they cost in the server.

import type { ServerInterceptor } from '../src/server/interceptor.js';
import { fmt, median } from './lib/figures.js';

/** A module of dist/, typed as its source (a clean clone has no dist/ until it builds). */
const compiled = <Module>(path: string): Promise<Module> =>
  import(new URL(`../dist/${path}`, import.meta.url).href) as Promise<Module>;
const { ServerCallContext } =
  await compiled<typeof import('../src/server/call-context.js')>('server/call-context.js');
const { composeInterceptors, handlerAsNext } =
  await compiled<typeof import('../src/server/interceptor.js')>('server/interceptor.js');
const {
  createMetrics,
  createStderrLogger,
  loggingInterceptor,
  recoveryInterceptor,
  requestIdInterceptor,
  standardInterceptors,
  tracingInterceptor,
} = await compiled<typeof import('../src/services/interceptors/index.js')>(
  'services/interceptors/index.js',
);
const { method } = await compiled<typeof import('../src/transport/service-definition.js')>(
  'transport/service-definition.js',
);
const { GetUserRequestCodec, UserCodec } =
  await compiled<typeof import('../src/wire/messages/user.js')>('wire/messages/user.js');

interface Options {
  calls: number;
  rounds: number;
}

function parseOptions(args: string[]): Options {
  const options: Options = { calls: 50_000, rounds: 3 };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (args[i] === '--calls' && Number.isInteger(value) && value >= 1000) options.calls = value;
    else if (args[i] === '--rounds' && Number.isInteger(value) && value >= 1)
      options.rounds = value;
    else {
      throw new Error(
        `unknown or invalid option "${args[i]} ${args[i + 1] ?? ''}": use --calls N (≥ 1000) and --rounds R (≥ 1)`,
      );
    }
  }
  return options;
}

const GET_USER = method('user.UserService', 'GetUser', 'unary', GetUserRequestCodec, UserCodec);
const REQUEST_HEADERS = {
  ':method': 'POST',
  ':path': GET_USER.path,
  'content-type': 'application/grpc',
  te: 'trailers',
};
const RESPONSE = { id: 'u1', username: 'ada_lovelace' };

/** A context as the server makes one for each call. */
function newCall() {
  const context = new ServerCallContext(
    GET_USER,
    REQUEST_HEADERS,
    '127.0.0.1:50000',
    undefined,
    'identity',
    { headersSent: false, sendHeaders() {}, headerMetadata: undefined, trailerMetadata: undefined },
  );
  return { method: GET_USER, context, request: { id: 'u1' } };
}

/**
 * Runs `calls` calls through `interceptors` one after another; the CPU µs per call (this process's
 * user and system time, which other work on a busy machine does not inflate as it does wall time).
 */
async function timeChain(interceptors: ServerInterceptor[], calls: number): Promise<number> {
  const next = composeInterceptors(
    interceptors,
    handlerAsNext(async () => RESPONSE),
  );
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    await next(newCall());
    // Back to the event loop now and then, as a server is between requests: the logger's
    // asynchronous writes happen there, and their cost belongs to the calls that made them.
    if (i % 256 === 255) await new Promise(setImmediate);
  }
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / calls;
}

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  // serve's own logger (sonic-boom in buffer mode, batched), writing to /dev/null.
  const logger = createStderrLogger({}, '/dev/null');
  const metrics = createMetrics(undefined, { defaultMetrics: false });
  const cases: { name: string; interceptors: ServerInterceptor[] }[] = [
    { name: 'handler alone', interceptors: [] },
    { name: 'request id', interceptors: [requestIdInterceptor()] },
    {
      name: 'logging (+ request id)',
      interceptors: [requestIdInterceptor(), loggingInterceptor(logger)],
    },
    { name: 'recovery', interceptors: [recoveryInterceptor(logger)] },
    { name: 'metrics', interceptors: [metrics.interceptor] },
    { name: 'tracing (no tracer)', interceptors: [tracingInterceptor()] },
    { name: 'serve as shipped', interceptors: standardInterceptors({ logger }) },
    { name: 'serve --metrics-port', interceptors: standardInterceptors({ logger, metrics }) },
    {
      name: 'serve --log-level warn',
      interceptors: standardInterceptors({
        logger: createStderrLogger({ level: 'warn' }, '/dev/null'),
      }),
    },
    {
      name: 'serve --access-log off',
      interceptors: standardInterceptors({ logger, accessLog: false }),
    },
  ];
  const perCall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  // A warm-up round lets every chain get optimised before anything is counted.
  for (const c of cases) await timeChain(c.interceptors, Math.min(options.calls, 50_000));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length]!;
      perCall.get(c.name)!.push(await timeChain(c.interceptors, options.calls));
    }
  }
  logger.flush();
  const bare = perCall.get('handler alone')!;
  console.log(
    `\nInterceptor cost per unary call, ${fmt(options.calls)} calls, median of ${options.rounds} rounds`,
  );
  console.log('chain                       µs/call   cost µs');
  for (const c of cases) {
    const figures = perCall.get(c.name)!;
    const cost = median(figures.map((value, round) => value - bare[round]!));
    console.log(
      `${c.name.padEnd(24)}${fmt(median(figures), 2).padStart(10)}${fmt(cost, 2).padStart(10)}`,
    );
  }
}
