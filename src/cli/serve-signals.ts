// `handwire serve` and the signals an operator sends it (docs/contract.md §5): SIGHUP reloads the
// TLS certificate and key for new connections; SIGTERM and SIGINT stop it gracefully, giving the
// calls in flight --shutdown-grace to finish while everything else it started closes beside them.

import { readFileSync } from 'node:fs';
import type { KafkaBroker } from '../kafka/index.js';
import type { OfferEventPublisher } from '../kafka/publisher/offer-event-publisher.js';
import type { Server } from '../server/server.js';
import type { MetricsServer } from '../services/interceptors/index.js';
import type { ServeReplica } from './serve-replica.js';

/** What `serve` started, each part closed on SIGTERM/SIGINT; absent parts were not asked for. */
export interface ServeParts {
  readonly server: Server;
  readonly metricsServer?: MetricsServer | undefined;
  readonly kafka?: KafkaBroker | undefined;
  readonly replica?: ServeReplica | undefined;
  readonly publisher?: OfferEventPublisher | undefined;
}

/** On SIGHUP, new connections get the files' new certificate; live ones keep theirs. */
export function reloadTlsOnSighup(server: Server, certPath: string, keyPath: string): void {
  process.on('SIGHUP', () => {
    try {
      server.setSecureContext({ cert: readFileSync(certPath), key: readFileSync(keyPath) });
      console.log('reloaded the TLS certificate and key');
    } catch (error) {
      console.error(
        `could not reload the TLS certificate, keeping the old one: ${(error as Error).message}`,
      );
    }
  });
}

/**
 * On the first SIGTERM or SIGINT: drain the server within `graceMs` while the other parts close,
 * then exit 0 (1 if closing failed). Offer events the publisher could not send in time are
 * counted on stderr, since they are lost with the process.
 */
export function stopOnSignals(parts: ServeParts, graceMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down, calls in flight have ${graceMs / 1000} s to finish`);
    void Promise.all([
      parts.server.close({ graceMs }),
      parts.metricsServer?.close(),
      parts.kafka?.close(),
      parts.replica?.close(),
      parts.publisher?.close(graceMs).then(({ unpublished }) => {
        if (unpublished > 0)
          console.error(`${unpublished} offer events were not published to Kafka within the grace`);
      }),
    ]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
