// `handwire trace`: a pass-through proxy that prints every HTTP/2 frame of the calls made
// through it, annotated (RFC 9113 frames, RFC 7541 HPACK representations, gRPC's 5-byte prefix
// and protobuf fields named from proto/ and any --proto files). Works with any client and server
// speaking h2c: grpcurl, grpc-go, handwire's own client.

import { ProtoSchema } from '../trace/proto-schema.js';
import { formatFrame } from '../trace/trace-format.js';
import { startTraceProxy } from '../trace/trace-proxy.js';
import { isLoopback } from './loopback.js';
import { parseIntegerFlag, UsageError } from './usage-error.js';

export interface TraceFlags {
  listen: string;
  target: string;
  proto?: string[];
  insecure?: boolean;
}

/** host:port, with [v6] brackets allowed; a usage error naming the flag otherwise. */
export function parseHostPort(flag: string, value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(value);
  if (match === null)
    throw new UsageError(`${flag} must be host:port (e.g. 127.0.0.1:50051), not "${value}"`);
  return {
    host: match[1] ?? match[2]!,
    port: parseIntegerFlag(`${flag}'s port`, match[3]!, 0, 65535),
  };
}

function loadSchema(files: readonly string[]): ProtoSchema {
  try {
    return ProtoSchema.load(files);
  } catch (error) {
    throw new UsageError(`--proto: cannot load ${files.join(', ')}: ${(error as Error).message}`);
  }
}

/** Runs until SIGINT or SIGTERM, printing frames on stdout as they go by. */
export async function trace(flags: TraceFlags): Promise<void> {
  const listen = parseHostPort('--listen', flags.listen);
  const target = parseHostPort('--target', flags.target);
  // The proxy shows every byte of every call, tokens included: loopback unless told otherwise.
  if (!isLoopback(listen.host) && flags.insecure !== true)
    throw new UsageError(
      `refusing to listen on ${listen.host}: the trace prints every header, tokens included; give --insecure if you mean it`,
    );
  const schema = loadSchema(flags.proto ?? []);
  const proxy = await startTraceProxy({
    listenHost: listen.host,
    listenPort: listen.port,
    targetHost: target.host,
    targetPort: target.port,
    schema,
    onFrame: (connection, traced) =>
      console.log(`${formatFrame(traced, `#${connection} `).join('\n')}\n`),
    onConnection: (connection, event) => console.log(`#${connection} connection ${event}\n`),
  });
  console.log(`handwire tracing on ${proxy.address}`);
  console.log(`each connection made to it goes on to ${flags.target}\n`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
