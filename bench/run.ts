// Benchmark runner: `npm run bench -- <name> [options]` runs bench/<name>.ts (docs/design.md "Measuring",
// "Benchmarks are not tests": handwire and its peers side by side in one run, with ratios).
//
// A benchmark is a module in this folder exporting `main(args: string[]): Promise<void>`; it gets
// the arguments after its name and prints its own table.

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
  if (name === undefined || !available.includes(name)) {
    if (name !== undefined) console.error(`There is no benchmark named "${name}".`);
    console.error(`Usage: npm run bench -- <name> [options]. Available: ${available.join(', ')}.`);
    return name === undefined ? 0 : 1;
  }
  // `name` is one of the files listed above, so this imports nothing from outside bench/.
  const benchmark = (await import(`./${name}.ts`)) as Partial<BenchmarkModule>;
  if (typeof benchmark.main !== 'function') {
    console.error(`bench/${name}.ts does not export main(args); add it to make it runnable.`);
    return 1;
  }
  await benchmark.main(args);
  return 0;
}

process.exitCode = await run(process.argv.slice(2));
