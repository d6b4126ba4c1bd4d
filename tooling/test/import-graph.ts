// The import graph of the packages' sources, read from their import and export lines (type-only
// ones and `import('...')` type expressions included): what the no-cycles test walks. Its file
// walk, sourceFiles, also lists the files the line-length test reads.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Which files sourceFiles returns, by the ends of their names. */
export interface SourceFileOptions {
  /** The name endings kept (default: .ts). */
  readonly extensions?: readonly string[];
  /** The name endings left out, though they end in one of `extensions` (default: .d.ts). */
  readonly exclude?: readonly string[];
}

/**
 * Every file under `dir` (recursively, sorted) whose name ends in one of `extensions` and in none of `exclude`; no
 * node_modules, dist or dot folders.
 */
export function sourceFiles(dir: string, options: SourceFileOptions = {}): string[] {
  const { extensions = ['.ts'], exclude = ['.d.ts'] } = options;
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('.')) stack.push(p);
      } else if (extensions.some((x) => e.name.endsWith(x)) && !exclude.some((x) => e.name.endsWith(x))) out.push(p);
    }
  }
  return out.sort();
}

const SPECIFIERS = [
  /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The relative specifiers a source file imports or re-exports. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const re of SPECIFIERS) for (const m of source.matchAll(re)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('.'));
}

/** file → the files it imports (relative imports resolved; `.js` specifiers name `.ts` sources). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const targets = importsOf(readFileSync(f, 'utf8'))
      .map((s) => resolve(dirname(f), s.replace(/\.js$/, '.ts')))
      .filter((t) => known.has(t));
    graph.set(f, targets);
  }
  return graph;
}

/**
 * The cycles of a graph, one per strongly connected component of more than one file (or a self-import), as paths
 * relative to `root`.
 */
export function cycles(graph: ReadonlyMap<string, readonly string[]>, root: string): string[][] {
  // Tarjan's algorithm with an explicit stack (no recursion)
  let counter = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    onStack = new Set<string>(),
    stack: string[] = [];
  const found: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.v) ?? [];
      if (top.i < edges.length) {
        const w = edges[top.i++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.v);
        if (component.length > 1 || (graph.get(top.v) ?? []).includes(top.v))
          found.push(component.map((f) => relative(root, f)).sort());
      }
    }
  }
  return found;
}
