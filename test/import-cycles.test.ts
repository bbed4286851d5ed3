// No import cycles in src/, type imports included (docs/design.md "Layers": dependencies point one
// way). A cycle is found as a strongly connected component of the graph of relative imports.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each file's relative imports and re-exports (`import type` too), as file paths. */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const specifier = /(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|import\s+'(\.[^']+)'/g;
  for (const file of files) {
    const imports: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(specifier)) {
      const relative = (match[1] ?? match[2])!.replace(/\.js$/, '.ts');
      const target = path.join(path.dirname(file), relative);
      if (known.has(target)) imports.push(target);
    }
    graph.set(file, imports);
  }
  return graph;
}

/** Tarjan's strongly connected components of more than one file: the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(path.relative(srcDir, member));
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

t.test('no file of src/ imports itself back, not even through type imports', (t) => {
  const graph = importGraph(sourceFiles(srcDir));
  t.ok(graph.size > 100, `${graph.size} files read`);
  t.same(cycles(graph), []);
  t.end();
});
