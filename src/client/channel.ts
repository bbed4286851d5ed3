// Channel: the addresses of a target, load balancing over them, and the channel's connectivity
// state (grpc doc/connectivity-semantics-and-api.md, load-balancing.md: pick_first, round_robin).

import { GrpcError } from '../transport/grpc-error.js';
import { Status } from '../transport/status.js';
import {
  type ChannelOptions,
  type ResolvedChannelOptions,
  resolveChannelOptions,
} from './channel-options.js';
import { startKeepalive } from './keepalive.js';
import { type LookupAll, needsResolution, resolveAddresses } from './resolver.js';
import { RetryBuffer, RetryBufferPool } from './retry-buffer.js';
import {
  findCallPolicy,
  type ResolvedCallPolicy,
  RetryThrottle,
  type ServiceConfig,
} from './retry-policy.js';
import {
  type Connection,
  type ConnectivityState,
  Subchannel,
  type SubchannelOptions,
} from './subchannel.js';
import { type Address, parseTarget } from './target.js';

export type { ChannelOptions, ResolvedChannelOptions } from './channel-options.js';
export type { ConnectivityState } from './subchannel.js';

/**
 * A virtual connection to a target: calls pick one of its addresses' sessions. Created idle;
 * connects when the first call needs it. `close()` ends every session at once.
 */
export class Channel {
  /** The target's addresses as written; host names are resolved on the first call. */
  readonly addresses: readonly Address[];
  readonly options: ResolvedChannelOptions;
  /**
   * The `:authority` sent with calls: the first address's host:port, or `tls.serverName` when
   * given (grpc-go takes the authority from the credentials' server name override).
   */
  readonly authority: string;
  /** The `:scheme` sent with calls: `https` over TLS, else `http`. */
  readonly scheme: 'http' | 'https';
  /** One per address; empty until host names are resolved. */
  private subchannels: Subchannel[] = [];
  private readonly subchannelOptions: SubchannelOptions;
  /** True when the target names hosts: the channel resolves them, and again after failures. */
  private readonly resolves: boolean;
  private resolution: Promise<void> | undefined;
  private resolvedAt = Number.NEGATIVE_INFINITY;
  /**
   * Why the last resolution failed, kept until the next one: within the interval calls fail
   * fast with it instead of each running a lookup of their own.
   */
  private resolveError: GrpcError | undefined;
  /** After a failed resolution, moves the channel out of transientFailure once it may retry. */
  private resolveRetryTimer: NodeJS.Timeout | undefined;
  private readonly minTimeBetweenResolutionsMs: number;
  private readonly lookup: LookupAll | undefined;
  private readonly listeners = new Set<(state: ConnectivityState) => void>();
  private currentState: ConnectivityState = 'idle';
  private nextIndex = 0;
  private closed = false;
  /** A6 retry throttling, shared by every call of the channel; undefined when not configured. */
  readonly retryThrottle: RetryThrottle | undefined;
  private readonly serviceConfig: ServiceConfig | undefined;
  private readonly callPolicies = new Map<string, ResolvedCallPolicy | undefined>();
  /** The channel-wide budget of request bytes kept for retries (A6 retry_buffer_size). */
  readonly retryBufferPool: RetryBufferPool;
  /** What one call may keep for replay (A6 per_rpc_retry_buffer_size); a plain call too. */
  readonly perRpcRetryBufferSize: number;

  constructor(target: string | readonly string[], options: ChannelOptions = {}) {
    this.addresses = parseTarget(target);
    const first = this.addresses[0]!;
    this.authority = options.tls?.serverName ?? (first.kind === 'unix' ? 'localhost' : first.label);
    this.scheme = options.tls === undefined ? 'http' : 'https';
    const resolved = resolveChannelOptions(options);
    this.options = resolved.options;
    const keepalive = this.options.keepalive;
    const connectTimeoutMs = this.options.connectTimeoutMs;
    this.serviceConfig = options.serviceConfig;
    this.perRpcRetryBufferSize = resolved.perRpcRetryBufferSize;
    this.retryBufferPool = new RetryBufferPool(resolved.retryBufferSize);
    const throttling = options.serviceConfig?.retryThrottling;
    this.retryThrottle = throttling === undefined ? undefined : new RetryThrottle(throttling);
    this.minTimeBetweenResolutionsMs = resolved.minTimeBetweenResolutionsMs;
    this.lookup = options.lookup;
    this.subchannelOptions = {
      minConnectTimeoutMs: connectTimeoutMs,
      initialBackoffMs: options.initialReconnectBackoffMs,
      maxBackoffMs: options.maxReconnectBackoffMs,
      multiplier: options.reconnectBackoffMultiplier,
      jitter: options.reconnectBackoffJitter,
      onSession: (connection: Connection) => startKeepalive(connection, keepalive),
      tls: options.tls,
    };
    this.resolves = needsResolution(this.addresses);
    // IP addresses and paths need no lookup: the subchannels exist at once.
    if (!this.resolves) this.subchannels = this.addresses.map((a) => this.newSubchannel(a));
  }

  private newSubchannel(address: Address): Subchannel {
    return new Subchannel(address, this.subchannelOptions, () => this.updateState());
  }

  /**
   * Resolves the target's host names, at most once per minTimeBetweenResolutionsMs: addresses
   * still present keep their subchannel (and its backoff), new ones get one, gone ones are closed.
   */
  private resolve(): Promise<void> {
    this.resolution ??= (async () => {
      this.resolvedAt = Date.now();
      if (this.subchannels.length === 0) this.setState('connecting');
      try {
        const addresses = await resolveAddresses(this.addresses, this.lookup);
        this.resolveError = undefined;
        if (this.closed) return;
        const previous = new Map(this.subchannels.map((s) => [s.address.label, s]));
        this.subchannels = addresses.map((address) => {
          const kept = previous.get(address.label);
          previous.delete(address.label);
          return kept ?? this.newSubchannel(address);
        });
        for (const gone of previous.values()) gone.close();
        this.updateState();
      } catch (error) {
        this.resolveError = GrpcError.from(error);
        if (this.subchannels.length === 0 && !this.closed) {
          this.setState('transientFailure');
          // The next lookup is allowed after the interval: 'idle' then tells waitForReady calls
          // (waiting for a state change) to try again, as a subchannel does after its backoff.
          clearTimeout(this.resolveRetryTimer);
          this.resolveRetryTimer = setTimeout(() => {
            this.resolveRetryTimer = undefined;
            if (this.subchannels.length === 0) this.setState('idle');
          }, this.minTimeBetweenResolutionsMs);
          this.resolveRetryTimer.unref();
        }
        throw error;
      } finally {
        this.resolution = undefined;
      }
    })();
    return this.resolution;
  }

  /**
   * True when the names should be looked up (again): a lookup is already running (join it), or
   * the interval since the last one has passed and there is no address yet or every one failed.
   */
  private shouldResolve(): boolean {
    if (!this.resolves) return false;
    if (this.resolution !== undefined) return true;
    // grpc.dns_min_time_between_resolutions_ms holds after a failed lookup too.
    if (Date.now() - this.resolvedAt < this.minTimeBetweenResolutionsMs) return false;
    if (this.subchannels.length === 0) return true;
    return this.subchannels.every((s) => s.state === 'transientFailure');
  }

  /**
   * `resolve()`, waited for at most connectTimeoutMs and only while `signal` has not aborted
   * (DESIGN lesson 1: a timer on every wait). A lookup that hangs keeps running; a later call
   * joins it, with a timer of its own.
   */
  private resolveWithin(signal: AbortSignal | undefined): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settle();
        reject(GrpcError.from(signal?.reason));
      };
      const timer = setTimeout(() => {
        settle();
        const names = this.addresses.map((address) => address.label).join(', ');
        reject(
          new GrpcError(
            Status.UNAVAILABLE,
            `resolving ${names} took longer than connectTimeoutMs (${timeoutMs} ms): is the name server reachable?`,
          ),
        );
      }, timeoutMs);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      this.resolve().then(
        () => {
          settle();
          resolve();
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  /** The channel's connectivity state. */
  get state(): ConnectivityState {
    return this.currentState;
  }

  /** Calls `listener` on every change of state; returns a function that stops it. */
  onStateChange(listener: (state: ConnectivityState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the state differs from `from`, or with false if `signal` aborts first. */
  waitForStateChange(from: ConnectivityState, signal?: AbortSignal): Promise<boolean> {
    if (this.currentState !== from) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onAbort = () => {
        stop();
        resolve(false);
      };
      const stop = this.onStateChange(() => {
        stop();
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends every session and call at once; later calls fail with UNAVAILABLE. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.resolveRetryTimer);
    for (const subchannel of this.subchannels) subchannel.close();
    this.setState('shutdown');
    this.listeners.clear();
  }

  /**
   * The hot path: a ready session with room for one call, reserved, or undefined. pick_first
   * takes the first address that has one; round_robin starts one further on each call.
   */
  pickReady(): Connection | undefined {
    const count = this.subchannels.length;
    if (count === 1) return this.subchannels[0]!.takeReady();
    if (count === 0) return undefined;
    if (this.options.loadBalancingPolicy === 'pick_first') {
      for (const subchannel of this.subchannels) {
        const connection = subchannel.takeReady();
        if (connection !== undefined) return connection;
      }
      return undefined;
    }
    // round_robin keeps a session to every address it can reach (load-balancing.md), so an
    // address back from its backoff is connected again here, in the background.
    for (const subchannel of this.subchannels) subchannel.requestConnection();
    const start = this.nextIndex++ % count;
    for (let i = 0; i < count; i++) {
      const connection = this.subchannels[(start + i) % count]!.takeReady();
      if (connection !== undefined) return connection;
    }
    return undefined;
  }

  /**
   * A session for a call, connecting as needed. An address whose connect fails is skipped (it
   * stays out for its backoff); when every address is down the call fails fast with the last
   * error, or with `waitForReady` waits for a state change until `signal` aborts.
   */
  async pick(waitForReady: boolean, signal: AbortSignal | undefined): Promise<Connection> {
    for (;;) {
      if (this.closed) throw new GrpcError(Status.UNAVAILABLE, 'the channel was closed');
      const ready = this.pickReady();
      if (ready !== undefined) return ready;
      let lastError: GrpcError | undefined;
      if (this.shouldResolve()) {
        try {
          await this.resolveWithin(signal);
        } catch (error) {
          lastError = GrpcError.from(error);
          if (signal?.aborted) throw lastError;
        }
      } else if (this.subchannels.length === 0) {
        // The last lookup failed, within the interval: fail fast with its reason.
        lastError = this.resolveError;
      }
      const count = this.subchannels.length;
      const start =
        this.options.loadBalancingPolicy === 'round_robin' ? this.nextIndex++ % count : 0;
      for (let i = 0; i < count; i++) {
        const subchannel = this.subchannels[(start + i) % count]!;
        if (subchannel.state === 'transientFailure') {
          lastError ??= subchannel.lastError;
          continue;
        }
        try {
          return await subchannel.take();
        } catch (error) {
          lastError = GrpcError.from(error);
          if (signal?.aborted) throw lastError;
        }
      }
      if (this.closed) throw new GrpcError(Status.UNAVAILABLE, 'the channel was closed');
      if (!waitForReady) {
        throw (
          lastError ?? new GrpcError(Status.UNAVAILABLE, 'no address of the channel is reachable')
        );
      }
      // A subchannel's backoff, or the resolution interval (resolveRetryTimer), ends in a change.
      const changed = await this.waitForStateChange(this.currentState, signal);
      // Aborted (cancelled or past the deadline): the caller reports its own reason.
      if (!changed) throw lastError ?? new GrpcError(Status.UNAVAILABLE, 'no address is reachable');
    }
  }

  /** A call's buffer of request messages for replay, drawing on the channel-wide budget. */
  newRetryBuffer(): RetryBuffer {
    return new RetryBuffer(this.retryBufferPool, this.perRpcRetryBufferSize);
  }

  /** The retry or hedging policy of a method path, looked up once. */
  callPolicyFor(path: string): ResolvedCallPolicy | undefined {
    if (this.callPolicies.has(path)) return this.callPolicies.get(path);
    const policy = findCallPolicy(this.serviceConfig, path);
    this.callPolicies.set(path, policy);
    return policy;
  }

  /** The channel's state from its addresses' (connectivity-semantics-and-api.md). */
  private updateState(): void {
    if (this.closed) return;
    let connecting = false;
    let idle = false;
    for (const subchannel of this.subchannels) {
      if (subchannel.state === 'ready') {
        this.setState('ready');
        return;
      }
      if (subchannel.state === 'connecting') connecting = true;
      else if (subchannel.state === 'idle') idle = true;
    }
    this.setState(connecting ? 'connecting' : idle ? 'idle' : 'transientFailure');
  }

  private setState(state: ConnectivityState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}

/** Creates a channel to `target`: `host:port`, `dns:///host:port`, `unix:/path`, or a list. */
export function createChannel(
  target: string | readonly string[],
  options: ChannelOptions = {},
): Channel {
  return new Channel(target, options);
}
