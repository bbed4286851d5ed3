// Where a profiled process spent its time: self time by function in one V8 .cpuprofile (from
// node --cpu-prof or the inspector's Profiler), the top entries as printable lines.

import { readFileSync } from 'node:fs';
import { fmt } from '../lib/figures.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export function summariseProfile(file: string, top = 15): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const names = new Map(
    profile.nodes.map((node) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const where =
        url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
      return [node.id, `${functionName || '(anonymous)'}${where}`] as const;
    }),
  );
  const selfMs = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const name = names.get(id)!;
    totalMs += ms;
    selfMs.set(name, (selfMs.get(name) ?? 0) + ms);
  });
  const busyMs = totalMs - (selfMs.get('(idle)') ?? 0);
  return [
    `  ${fmt(busyMs)} ms busy of ${fmt(totalMs)} ms profiled; self time, share of busy:`,
    ...[...selfMs.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) =>
          `  ${fmt((100 * ms) / busyMs, 1).padStart(5)}%  ${fmt(ms).padStart(6)} ms  ${name}`,
      ),
  ];
}
