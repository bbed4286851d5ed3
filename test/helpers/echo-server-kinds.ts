// The two Echo servers the client is tested against — handwire's and @grpc/grpc-js's — started
// with the same settings, each under its own option names, so one test body runs against both.

import type { Test } from 'tap';
import { startEchoServer } from './echo-server.js';
import { type grpc, startGrpcJsEchoServer } from './grpc-js-echo-server.js';

export interface EchoServerSettings {
  /** SETTINGS_MAX_CONCURRENT_STREAMS. */
  maxConcurrentStreams?: number;
  /** Send GOAWAY after this long (grpc.max_connection_age_ms), with a grace period. */
  maxConnectionAgeMs?: number;
  maxConnectionAgeGraceMs?: number;
  /** Accept client PINGs this often (keepalive enforcement), in ms. */
  minPingIntervalMs?: number;
}

export type StartEchoServer = (
  t: Test,
  settings?: EchoServerSettings,
) => Promise<{ address: string; port: number }>;

export const echoServerKinds: Readonly<Record<'handwire' | 'grpc-js', StartEchoServer>> = {
  handwire: (t, settings = {}) =>
    startEchoServer(t, {
      maxConcurrentStreams: settings.maxConcurrentStreams,
      maxConnectionAgeMs: settings.maxConnectionAgeMs,
      maxConnectionAgeGraceMs: settings.maxConnectionAgeGraceMs,
      keepaliveMinTimeMs: settings.minPingIntervalMs,
    }),
  'grpc-js': (t, settings = {}) => {
    const options: Record<string, number> = {};
    if (settings.maxConcurrentStreams !== undefined) {
      options['grpc.max_concurrent_streams'] = settings.maxConcurrentStreams;
    }
    if (settings.maxConnectionAgeMs !== undefined) {
      options['grpc.max_connection_age_ms'] = settings.maxConnectionAgeMs;
    }
    if (settings.maxConnectionAgeGraceMs !== undefined) {
      options['grpc.max_connection_age_grace_ms'] = settings.maxConnectionAgeGraceMs;
    }
    if (settings.minPingIntervalMs !== undefined) {
      options['grpc.http2.min_ping_interval_without_data_ms'] = settings.minPingIntervalMs;
    }
    return startGrpcJsEchoServer(t, options as grpc.ServerOptions);
  },
};
