// The one table every benchmark run ends with (docs/design.md "Measuring"): each figure with
// handwire's value, its peer's, their ratio, the target ratio and whether it was met, as Markdown a
// person can paste into an issue. Benchmarks add rows with `addSummaryRow`; bench/run.ts prints
// them all once every benchmark asked for has run.

import { fmt } from './figures.js';

export interface SummaryRow {
  /** What was measured, e.g. "GetUser req/s, h2load -c 4 -m 50". */
  figure: string;
  /** Its unit, e.g. "req/s" or "CPU µs/call". */
  unit: string;
  handwire: number;
  /** Which peer handwire is compared with, e.g. "@grpc/grpc-js". */
  peerName: string;
  peer: number;
  /**
   * handwire / peer as the benchmark took it, when not simply the ratio of the two medians: the
   * median of per-round ratios (servers that ran minutes apart drift less than rounds do), so the
   * table says the same ratio as the benchmark's own lines above it.
   */
  ratio?: number;
  /**
   * The ratio handwire / peer must reach: at least `ratio` when more is better (throughput),
   * at most `ratio` when less is (CPU, latency). Undefined: reported, no target set.
   */
  target?: { ratio: number; atLeast: boolean };
}

const rows: SummaryRow[] = [];

export function addSummaryRow(row: SummaryRow): void {
  rows.push(row);
}

/** The rows added so far as a Markdown table; undefined when no benchmark added any. */
export function summaryTable(): string | undefined {
  if (rows.length === 0) return undefined;
  const lines = [
    '| figure | handwire | peer | ratio | target | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    const ratio = row.ratio ?? row.handwire / row.peer;
    const digits = row.handwire < 100 ? 2 : 0;
    const target =
      row.target === undefined
        ? '—'
        : `${row.target.atLeast ? '≥' : '≤'} ${fmt(row.target.ratio, 2)}×`;
    const met =
      row.target === undefined
        ? '—'
        : (row.target.atLeast ? ratio >= row.target.ratio : ratio <= row.target.ratio)
          ? 'yes'
          : '**no**';
    lines.push(
      `| ${row.figure} (${row.unit}) | ${fmt(row.handwire, digits)} | ${fmt(row.peer, digits)} ` +
        `${row.peerName} | ${fmt(ratio, 2)}× | ${target} | ${met} |`,
    );
  }
  return lines.join('\n');
}
