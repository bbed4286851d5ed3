// Benchmark runner: `npm run bench -- <name> [options]` runs bench/<name>.ts (docs/design.md "Measuring",
// "Benchmarks are not tests": handwire and its peers side by side in one run, with ratios);
// `npm run bench -- all` runs every one with its defaults.
//
// A benchmark is a module in this folder exporting `main(args: string[]): Promise<void>`; it gets
// the arguments after its name and prints its own table. Whatever figures the benchmarks added to
// the summary (bench/lib/summary.ts) are printed last, as one Markdown table.

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summaryTable } from './lib/summary.js';

interface BenchmarkModule {
  main(args: string[]): Promise<void>;
}

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/** The benchmarks there are: every bench/*.ts but this runner. */
function availableBenchmarks(): string[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const available = availableBenchmarks();
  if (name === undefined || (name !== 'all' && !available.includes(name))) {
    if (name !== undefined) console.error(`There is no benchmark named "${name}".`);
    console.error(
      `Usage: npm run bench -- <name> [options], or all. Available: ${available.join(', ')}.`,
    );
    return name === undefined ? 0 : 1;
  }
  for (const benchmarkName of name === 'all' ? available : [name]) {
    if (name === 'all') console.log(`\n## ${benchmarkName}`);
    // `benchmarkName` is one of the files listed above, so this imports nothing from outside bench/.
    const benchmark = (await import(`./${benchmarkName}.ts`)) as Partial<BenchmarkModule>;
    if (typeof benchmark.main !== 'function') {
      console.error(
        `bench/${benchmarkName}.ts does not export main(args); add it to make it runnable.`,
      );
      return 1;
    }
    await benchmark.main(name === 'all' ? [] : args);
  }
  const summary = summaryTable();
  if (summary !== undefined) console.log(`\nSummary (paste as Markdown):\n\n${summary}`);
  return 0;
}

process.exitCode = await run(process.argv.slice(2));
