// The HTTP/2 attacks of http2-floods.test.ts (RFC 9113 §10.5 "Denial-of-Service Considerations"),
// each a function of one raw connection plus what the server must answer it with. They live here,
// apart from the test, because they run in a process of their own (attacker-process.ts): a real
// attacker does not share the victims' event loop, and when it did, the victims' latencies
// measured the test process's own work on the flood as much as the server's.

import type { Test } from 'tap';
import {
  continuationFrame,
  Flag,
  FrameType,
  grpcRequestHeaders,
  headersFrame,
  hpackBlock,
  pingFrame,
  type RawH2Connection,
  rstStreamFrame,
  settingsFrame,
} from '../../helpers/h2-frames.js';
import { type AttackOptions, type AttackReport, flood, waitUntil } from './attack-loop.js';

const CHECK = '/grpc.health.v1.Health/Check';
const WATCH = '/grpc.health.v1.Health/Watch';
const CHECK_HEADERS = grpcRequestHeaders(CHECK);
const WATCH_HEADERS = grpcRequestHeaders(WATCH);
/** What `handwire serve --headers-timeout 1` takes at most to close a stuck connection. */
export const STUCK_CLOSE_MS = 2500;

export interface Attack {
  name: string;
  /** The CVE or rule the attack is about. */
  about: string;
  run(connection: RawH2Connection): Promise<unknown>;
  options?: AttackOptions;
  expect(t: Test, report: AttackReport): void;
  /** Why the victims' bound is a known gap for this attack (then reported as a todo). */
  victimBoundGap?: string;
}

/** Cut off with one of `codes`: every connection got a GOAWAY and was closed by the server. */
function cutOffWith(t: Test, report: AttackReport, codes: string[]): void {
  t.equal(report.cutOff, report.connections, 'the server closed every attacking connection');
  const seen = Object.keys(report.goaways);
  t.ok(
    seen.length > 0 && seen.every((code) => codes.includes(code)),
    `GOAWAY ${seen.join(', ')} is one of ${codes.join(', ')}`,
  );
}

export const attacks: Attack[] = [
  {
    name: 'rapid reset',
    about: 'CVE-2023-44487: HEADERS then RST_STREAM, as fast as the socket takes them',
    run: (connection) =>
      flood(connection, 5000, (i) =>
        Buffer.concat([headersFrame(2 * i + 1, CHECK_HEADERS), rstStreamFrame(2 * i + 1)]),
      ),
    expect: (t, report) => {
      cutOffWith(t, report, ['ENHANCE_YOUR_CALM']);
    },
  },
  {
    name: 'CONTINUATION flood',
    about:
      'CVE-2024-27316 family (nghttp2 CVE-2024-28182, Node CVE-2024-27983): a header block that never ends',
    run: async (connection) => {
      connection.write(headersFrame(1, grpcRequestHeaders(CHECK), 0));
      return flood(connection, 20_000, (i) => continuationFrame(1, hpackBlock([[`x-${i}`, 'v']])));
    },
    expect: (t, report) =>
      cutOffWith(t, report, ['INTERNAL_ERROR', 'PROTOCOL_ERROR', 'ENHANCE_YOUR_CALM']),
  },
  {
    name: 'SETTINGS flood',
    about: 'CVE-2019-9515: SETTINGS frames whose ACKs pile up',
    run: (connection) => flood(connection, 20_000, () => settingsFrame([[0x4, 65_535]])),
    // nghttp2 answers the flood with INTERNAL_ERROR; a connection whose flood nghttp2 stopped
    // reading mid-way is closed by the connection guard's probe instead (PROTOCOL_ERROR
    // headers_timeout: this file runs serve with --headers-timeout 1), which a clean-clone run saw.
    expect: (t, report) =>
      cutOffWith(t, report, ['INTERNAL_ERROR', 'ENHANCE_YOUR_CALM', 'PROTOCOL_ERROR']),
  },
  {
    name: 'PING flood',
    about: 'CVE-2019-9512: PINGs whose ACKs pile up; grpc-go answers too_many_pings',
    run: (connection) => flood(connection, 20_000, () => pingFrame()),
    expect: (t, report) => cutOffWith(t, report, ['ENHANCE_YOUR_CALM', 'INTERNAL_ERROR']),
  },
  {
    name: 'oversized header block',
    about: 'RFC 9113 §10.5.1 and RFC 7541 §7.4: one 70 KB header field, above any limit',
    run: async (connection) => {
      const block = grpcRequestHeaders(CHECK, [['x-big', 'a'.repeat(70_000)]]);
      const pieces: Buffer[] = [];
      for (let at = 0; at < block.length; at += 16_384)
        pieces.push(block.subarray(at, at + 16_384));
      connection.write(
        headersFrame(1, pieces[0]!, Flag.END_STREAM),
        ...pieces.slice(1).map((piece, i) => continuationFrame(1, piece, i === pieces.length - 2)),
      );
    },
    options: { closeWithinMs: STUCK_CLOSE_MS },
    expect: (t, report) => cutOffWith(t, report, ['COMPRESSION_ERROR', 'PROTOCOL_ERROR']),
  },
  {
    name: 'too many header fields',
    about: 'RFC 9113 §10.5.1: 300 fields, above the 128 the server takes (Node maxHeaderListPairs)',
    run: async (connection) => {
      const fields: [string, string][] = [];
      for (let i = 0; i < 300; i++) fields.push([`x-field-${i}`, 'v']);
      connection.write(
        headersFrame(1, grpcRequestHeaders(CHECK, fields), Flag.END_HEADERS | Flag.END_STREAM),
      );
      const reset = () => connection.frames.some((frame) => frame.type === FrameType.RST_STREAM);
      await waitUntil(connection, reset, 3000);
      connection.destroy();
    },
    options: { maxConnections: 50, closeWithinMs: 100 },
    expect: (t, report) => {
      const reset = (report.resets.ENHANCE_YOUR_CALM ?? 0) + (report.resets.PROTOCOL_ERROR ?? 0);
      t.equal(reset, report.connections, 'each request was answered with RST_STREAM');
    },
  },
  {
    name: 'more streams than SETTINGS_MAX_CONCURRENT_STREAMS',
    about: 'RFC 9113 §5.1.2: 1100 open Watch streams on a connection that allows 1000',
    run: async (connection) => {
      await flood(connection, 1100, (i) => headersFrame(2 * i + 1, WATCH_HEADERS));
      const refused = () =>
        connection.frames.filter((frame) => frame.type === FrameType.RST_STREAM).length >= 100;
      await waitUntil(connection, refused, 3000);
      connection.destroy();
    },
    options: { maxConnections: 2, closeWithinMs: 100 },
    expect: (t, report) => {
      t.equal(
        report.resets.REFUSED_STREAM,
        100 * report.connections,
        'the 100 streams above 1000 were refused',
      );
    },
  },
];
