// grpc.health.v1.Health: Check, List and Watch over a table of serving statuses (grpc
// doc/health-checking.md; proto/grpc/health/v1/health.proto), registered with one call.

import type { ServiceImplementation } from '../../server/handlers.js';
import type { Server } from '../../server/server.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { method, type ServiceDefinition } from '../../transport/service-definition.js';
import { Status } from '../../transport/status.js';
import {
  HealthCheckRequestCodec,
  type HealthCheckResponse,
  HealthCheckResponseCodec,
  HealthListRequestCodec,
  HealthListResponseCodec,
  ServingStatus,
} from '../../wire/messages/health.js';

export { ServingStatus } from '../../wire/messages/health.js';

const SERVICE = 'grpc.health.v1.Health';

/** The service as plain data: its name and its three methods. */
export const HealthServiceDefinition = {
  name: SERVICE,
  methods: {
    Check: method(SERVICE, 'Check', 'unary', HealthCheckRequestCodec, HealthCheckResponseCodec),
    List: method(SERVICE, 'List', 'unary', HealthListRequestCodec, HealthListResponseCodec),
    Watch: method(
      SERVICE,
      'Watch',
      'serverStreaming',
      HealthCheckRequestCodec,
      HealthCheckResponseCodec,
    ),
  },
} as const satisfies ServiceDefinition;

/**
 * List answers RESOURCE_EXHAUSTED beyond this many services, as health.proto allows, so one reply
 * stays small; grpc-go uses the same bound.
 */
export const MAX_LISTED_SERVICES = 100;

/** The status a Watch stream sends for a service with none set (health-checking.md). */
const UNKNOWN_TO_WATCH = ServingStatus.SERVICE_UNKNOWN;

/**
 * One open Watch stream. It holds at most one status not yet sent — the latest — so a watcher
 * that reads slowly costs one number, never a queue that grows with every change.
 */
interface Watcher {
  /** The status to send next, if it differs from `sent`; undefined when nothing is waiting. */
  pending: number | undefined;
  /** Wakes the stream's loop, which is waiting for a change; undefined while it is sending. */
  wake: (() => void) | undefined;
}

/**
 * The health table of one server. The application calls `setStatus` as its services come and go;
 * `shutdown()` turns everything NOT_SERVING for good (the server calls it when graceful shutdown
 * begins, through `addHealthService`), so load balancers stop sending calls before the
 * connections close.
 */
export class HealthService {
  readonly definition = HealthServiceDefinition;
  readonly implementation: ServiceImplementation<typeof HealthServiceDefinition>;

  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private shuttingDown = false;

  constructor() {
    this.implementation = {
      Check: (request) => this.check(request.service),
      List: () => this.list(),
      Watch: (request, context) => this.watch(request.service, context.signal),
    };
  }

  /** The status of `service` ("" is the server as a whole), or undefined if none was set. */
  getStatus(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /**
   * Sets the status of `service` and tells its Watch streams. After `shutdown()` it does nothing,
   * as in grpc-go and grpc Python: a late update must not advertise a server that is going away.
   */
  setStatus(service: string, status: ServingStatus): void {
    if (this.shuttingDown) return;
    if (!isServingStatus(status) || status === ServingStatus.SERVICE_UNKNOWN) {
      throw new RangeError(
        `${status} is not a status to set: use ServingStatus.SERVING, NOT_SERVING or UNKNOWN`,
      );
    }
    this.update(service, status);
  }

  /** Forgets `service`: Check answers NOT_FOUND again and Watch streams get SERVICE_UNKNOWN. */
  clearStatus(service: string): void {
    if (this.shuttingDown || !this.statuses.delete(service)) return;
    this.notify(service, UNKNOWN_TO_WATCH);
  }

  /**
   * Every status turns NOT_SERVING, permanently. Each Watch stream sends NOT_SERVING and then ends
   * with OK: a Watch never ends by itself, so without this a graceful shutdown would always wait
   * out its whole grace; health.proto tells a client to retry after OK, and a draining server is
   * exactly where it should not come back to.
   */
  shutdown(): void {
    if (this.shuttingDown) return;
    for (const service of this.statuses.keys()) this.update(service, ServingStatus.NOT_SERVING);
    this.shuttingDown = true;
    // Wake every watcher, those of unknown services too, so each sees the flag and ends.
    for (const watchers of this.watchers.values()) for (const watcher of watchers) wake(watcher);
  }

  private update(service: string, status: ServingStatus): void {
    if (this.statuses.get(service) === status) return;
    this.statuses.set(service, status);
    this.notify(service, status);
  }

  private notify(service: string, status: number): void {
    const watchers = this.watchers.get(service);
    if (watchers === undefined) return;
    for (const watcher of watchers) {
      watcher.pending = status;
      wake(watcher);
    }
  }

  private check(service: string): HealthCheckResponse {
    const status = this.statuses.get(service);
    if (status === undefined) {
      throw new GrpcError(Status.NOT_FOUND, `unknown service ${JSON.stringify(service)}`);
    }
    return { status };
  }

  private list() {
    if (this.statuses.size > MAX_LISTED_SERVICES) {
      throw new GrpcError(
        Status.RESOURCE_EXHAUSTED,
        `the server has ${this.statuses.size} services, more than the ${MAX_LISTED_SERVICES} List may return: use Check or Watch for each`,
      );
    }
    const statuses = new Map<string, HealthCheckResponse>();
    for (const [service, status] of this.statuses) statuses.set(service, { status });
    return { statuses };
  }

  /**
   * Sends the current status at once (SERVICE_UNKNOWN for a service with none), then each change;
   * a status equal to the last one sent is not sent again. Ends when the client cancels (the
   * call's signal) or, after sending NOT_SERVING, when shutdown begins.
   */
  private async *watch(service: string, signal: AbortSignal): AsyncIterable<HealthCheckResponse> {
    const watcher: Watcher = {
      pending: this.statuses.get(service) ?? UNKNOWN_TO_WATCH,
      wake: undefined,
    };
    let watchers = this.watchers.get(service);
    if (watchers === undefined) {
      watchers = new Set();
      this.watchers.set(service, watchers);
    }
    watchers.add(watcher);
    const onAbort = (): void => wake(watcher);
    signal.addEventListener('abort', onAbort, { once: true });
    let sent: number | undefined;
    try {
      while (!signal.aborted) {
        const next = watcher.pending;
        watcher.pending = undefined;
        if (next !== undefined && next !== sent) {
          sent = next;
          // While this yield waits for the client to take the message, changes only replace
          // `pending`: the slow reader sees the latest status next, not every one in between.
          yield { status: next };
          continue;
        }
        if (this.shuttingDown) return;
        await new Promise<void>((resolve) => {
          watcher.wake = resolve;
        });
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      watchers.delete(watcher);
      if (watchers.size === 0 && this.watchers.get(service) === watchers) {
        this.watchers.delete(service);
      }
    }
  }
}

function wake(watcher: Watcher): void {
  const resolve = watcher.wake;
  watcher.wake = undefined;
  resolve?.();
}

function isServingStatus(value: unknown): value is ServingStatus {
  return Object.values(ServingStatus).includes(value as ServingStatus);
}

/**
 * Serves grpc.health.v1.Health on `server` in one call: "" and every service already registered
 * are SERVING, and the server's graceful shutdown turns them all NOT_SERVING before its GOAWAY.
 * Returns the table, for the application's own `setStatus` calls.
 */
export function addHealthService(server: Server): HealthService {
  const health = new HealthService();
  const registered = server.serviceNames;
  server.addService(health.definition, health.implementation);
  health.setStatus('', ServingStatus.SERVING);
  for (const name of registered) health.setStatus(name, ServingStatus.SERVING);
  server.onShutdown(() => health.shutdown());
  return health;
}
