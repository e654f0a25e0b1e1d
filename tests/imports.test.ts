/**
 * The import graph of src/ — type-only imports included, since a circle of types is still a circle a reader must walk —
 * has no cycle, and src/lab, the experiment model, imports nothing from the engines, the page or the terminal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm;

/** Each file's imports of other source files (relative specifiers, `.ts` added). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => m[1])
      .filter((spec) => !spec.includes('?'))
      .map((spec) => resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`))
      .filter((target) => target.startsWith(SRC));
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle as a list of files, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe('the source tree', () => {
  const graph = importGraph();

  it('reads every source file and finds their imports', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join(SRC, 'gpu/gpuEngine.ts'))).toContain(join(SRC, 'gpu/gpuRun.ts'));
  });

  it('has no import circle, type-only imports included', () => {
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => relative(SRC, f)) ?? null).toBeNull();
  });

  it('finds a circle when there is one (the check itself works)', () => {
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    expect(
      findCycle(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([a, b, a]);
  });

  it('keeps src/lab free of the engines, the page and the terminal', () => {
    const lab = join(SRC, 'lab');
    const outside = [...graph.entries()].flatMap(([file, targets]) =>
      file.startsWith(lab)
        ? targets.filter((t) => !t.startsWith(lab)).map((t) => `${relative(SRC, file)} → ${relative(SRC, t)}`)
        : [],
    );
    expect(outside).toEqual([]);
  });
});
