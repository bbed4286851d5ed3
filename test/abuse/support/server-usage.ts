// What a server process costs, read from Linux's /proc (proc(5): /proc/PID/stat utime and stime,
// /proc/PID/status VmRSS, /proc/PID/fd): the figures the abuse tests report and bound.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessUsage {
  /** User plus system CPU time so far, in milliseconds. */
  cpuMs: number;
  /** Resident set size, in bytes. */
  rssBytes: number;
  /** Open sockets: listeners, accepted connections, and any the process dialled. */
  sockets: number;
}

/** Clock ticks per second of /proc/PID/stat's times: 100 on every Linux the tests run on. */
const CLOCK_TICKS = 100;

/** True where /proc can be read (Linux); elsewhere the tests that need it skip. */
export function canMeasure(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

export function usageOf(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name (which may hold spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS, rssBytes: rssKb * 1024, sockets };
}

/** The difference between two readings, in the units a report uses (ms, MB). */
export function usageDelta(before: ProcessUsage, after: ProcessUsage) {
  return {
    cpuMs: after.cpuMs - before.cpuMs,
    rssMb: (after.rssBytes - before.rssBytes) / 2 ** 20,
    sockets: after.sockets - before.sockets,
  };
}
