// Records the frames of one connection through handwire's tracer, step by step, for the
// generated guides: each step is an action plus every frame it caused, waited for until the
// connection has been quiet a moment, so a step never ends with its answer still on the way.

import type { TracedFrame } from '../../src/trace/connection-trace.js';
import { ProtoSchema } from '../../src/trace/proto-schema.js';
import { startTraceProxy, type TraceProxy } from '../../src/trace/trace-proxy.js';

/** How long the connection must be silent before a step counts as over. */
const QUIET_MS = 100;
/** A step that is still busy after this long is a bug in the script, not slowness. */
const STEP_LIMIT_MS = 5000;

export interface RecordedStep {
  readonly title: string;
  readonly frames: readonly TracedFrame[];
}

export class TraceRecorder {
  private current: TracedFrame[] = [];
  private lastActivity = Date.now();
  private readonly watchers = new Set<() => void>();

  private constructor(private readonly proxy: TraceProxy) {}

  /** A tracing proxy in front of 127.0.0.1:`targetPort`, on a free port. */
  static async start(targetPort: number): Promise<TraceRecorder> {
    let recorder: TraceRecorder | undefined;
    const proxy = await startTraceProxy({
      listenHost: '127.0.0.1',
      listenPort: 0,
      targetHost: '127.0.0.1',
      targetPort,
      schema: ProtoSchema.load(),
      onFrame: (_connection, traced) => recorder!.record(traced),
    });
    recorder = new TraceRecorder(proxy);
    return recorder;
  }

  get port(): number {
    return this.proxy.port;
  }

  /** Runs `action`, then waits for quiet; returns the frames seen meanwhile. */
  async step(title: string, action: () => Promise<unknown>): Promise<RecordedStep> {
    this.current = [];
    this.lastActivity = Date.now();
    await action();
    const started = Date.now();
    while (Date.now() - this.lastActivity < QUIET_MS) {
      if (Date.now() - started > STEP_LIMIT_MS) throw new Error(`step "${title}" never went quiet`);
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS / 3));
    }
    return { title, frames: this.current };
  }

  /** Resolves once a frame matching `test` has been seen in the current step (5 s at most). */
  waitFor(test: (traced: TracedFrame) => boolean, what: string): Promise<void> {
    if (this.current.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`${what} never went by`));
      }, STEP_LIMIT_MS);
      const check = () => {
        if (!this.current.some(test)) return;
        this.watchers.delete(check);
        clearTimeout(timer);
        resolve();
      };
      this.watchers.add(check);
    });
  }

  /** The frames of the current step so far. */
  framesSoFar(): readonly TracedFrame[] {
    return this.current;
  }

  close(): Promise<void> {
    return this.proxy.close();
  }

  private record(traced: TracedFrame): void {
    this.current.push(traced);
    this.lastActivity = Date.now();
    for (const watcher of [...this.watchers]) watcher();
  }
}
