// No import cycle anywhere in the packages, type-only imports included: each package's sources
// form a DAG, and the packages import each other only downwards (by package name).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, importsOf, sourceFiles } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .filter((p) => !p.startsWith('.'))
  .sort();

describe('the import graph', () => {
  it('finds a cycle when there is one (the checker itself)', () => {
    const g = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    expect(cycles(g, '/')).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(
      importsOf("import type { A } from './a.js';\nexport { b } from './b.js';\ntype C = import('./c.js').C;"),
    ).toEqual(['./a.js', './b.js', './c.js']);
  });

  for (const pkg of PACKAGES) {
    it(`packages/${pkg}/src has no import cycle`, () => {
      const files = sourceFiles(join(ROOT, 'packages', pkg, 'src'));
      expect(files.length).toBeGreaterThan(0);
      expect(cycles(importGraph(files), ROOT)).toEqual([]);
    });
  }

  it('the packages depend on each other without a cycle', () => {
    const graph = new Map<string, string[]>();
    for (const pkg of PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const deps = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith('@chainrule/'))
        .map((d) => `/${d.slice('@chainrule/'.length)}`);
      graph.set(`/${pkg}`, deps);
    }
    expect(cycles(graph, '/')).toEqual([]);
  });
});
