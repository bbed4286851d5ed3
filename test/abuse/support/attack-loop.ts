// Runs one attack again and again on fresh connections for a bounded time, the way a real
// attacker reconnects once cut off, and records how the server answered each connection.

import { connectH2, FrameType, H2Error, type RawH2Connection } from '../../helpers/h2-frames.js';

export interface AttackReport {
  connections: number;
  /** Connections the server closed by itself within `closeWithinMs` of the flood. */
  cutOff: number;
  /** GOAWAY error codes seen, by name, with how many connections got each. */
  goaways: Record<string, number>;
  /** RST_STREAM error codes seen, by name, summed over all connections. */
  resets: Record<string, number>;
}

export interface AttackOptions {
  durationMs?: number;
  maxConnections?: number;
  /** How long after its flood a connection is given for the server to close it. */
  closeWithinMs?: number;
}

const ERROR_NAMES = new Map<number, string>(
  Object.entries(H2Error).map(([name, code]) => [code, name]),
);

function errorName(code: number): string {
  return ERROR_NAMES.get(code) ?? `0x${code.toString(16)}`;
}

/** Lets the event loop breathe between batches, so the test's own clients are not starved. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Polls `condition` every 20 ms until it holds, the connection closes or `timeoutMs` runs out. An
 * attack waits on what the server answered this way, never a fixed sleep: on a loaded CI machine a
 * fixed 50 ms once ended a connection before its RST_STREAM arrived.
 */
export async function waitUntil(
  connection: RawH2Connection,
  condition: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && !connection.socket.destroyed && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes `count` frames made by `make(i)` in batches of `batch`, until the socket is gone. */
export async function flood(
  connection: RawH2Connection,
  count: number,
  make: (i: number) => Buffer,
  batch = 100,
): Promise<number> {
  let sent = 0;
  while (sent < count && !connection.socket.destroyed) {
    const frames: Buffer[] = [];
    for (let i = 0; i < batch && sent < count; i++, sent++) frames.push(make(sent));
    connection.write(...frames);
    await breathe();
  }
  return sent;
}

function record(connection: RawH2Connection, report: AttackReport): void {
  const code = connection.goawayCode();
  if (code !== undefined) {
    const name = errorName(code);
    report.goaways[name] = (report.goaways[name] ?? 0) + 1;
  }
  for (const frame of connection.frames) {
    if (frame.type !== FrameType.RST_STREAM) continue;
    const name = errorName(frame.payload.readUInt32BE(0));
    report.resets[name] = (report.resets[name] ?? 0) + 1;
  }
}

/** Attacks `address` with `attack` on one connection after another until time or count runs out. */
export async function attackFor(
  address: string,
  attack: (connection: RawH2Connection) => Promise<unknown>,
  { durationMs = 1500, maxConnections = 200, closeWithinMs = 1000 }: AttackOptions = {},
): Promise<AttackReport> {
  const report: AttackReport = { connections: 0, cutOff: 0, goaways: {}, resets: {} };
  const deadline = Date.now() + durationMs;
  while (Date.now() < deadline && report.connections < maxConnections) {
    const connection = await connectH2(address);
    report.connections++;
    await attack(connection);
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      connection.closed.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), closeWithinMs);
      }),
    ]);
    clearTimeout(timer);
    if (closed) report.cutOff++;
    record(connection, report);
    connection.destroy();
  }
  return report;
}
