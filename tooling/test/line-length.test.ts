// No source line over 120 characters. Biome's formatter wraps code at 120 columns, but it leaves
// long strings, templates and comments as they are, and it does not format the AssemblyScript
// kernels (packages/tensor/assembly): this test covers what it does not.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The most characters (code points) a line may have. */
const MAX_LINE = 120;
/** The folders checked, relative to the repository root. */
const FOLDERS = ['packages', 'examples', 'tooling', 'bench'];

/** Every .ts and .mjs file under `dir`, recursively: no node_modules, dist or dot folders, no *.generated.ts. */
const checkedFiles = (dir: string): string[] =>
  sourceFiles(dir, { extensions: ['.ts', '.mjs'], exclude: ['.generated.ts'] });

/** The 1-based numbers and lengths of the lines of `text` longer than `max` code points. */
function longLines(text: string, max = MAX_LINE): { line: number; length: number }[] {
  const found: { line: number; length: number }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    // code points, not UTF-16 units: a character outside the BMP (𝑥) counts once
    const length = line.length > max ? [...line].length : line.length;
    if (length > max) found.push({ line: i + 1, length });
  });
  return found;
}

describe('line length', () => {
  it('finds the long lines (the checker itself)', () => {
    const ok = 'x'.repeat(MAX_LINE);
    expect(longLines(`${ok}\n${ok}x\r\n${'𝑥'.repeat(MAX_LINE)}\n\n${'y'.repeat(200)}`)).toEqual([
      { line: 2, length: MAX_LINE + 1 },
      { line: 5, length: 200 },
    ]);
    const files = FOLDERS.flatMap((f) => checkedFiles(join(ROOT, f))).map((f) => relative(ROOT, f));
    // the walk sees the sources, tests, scripts and kernels, and skips the generated file
    expect(files).toContain(join('packages', 'tensor', 'src', 'index.ts'));
    expect(files).toContain(join('packages', 'tensor', 'scripts', 'build-wasm.mjs'));
    expect(files).toContain(join('packages', 'tensor', 'assembly', 'gemm.ts'));
    expect(files).toContain(join('tooling', 'test', 'line-length.test.ts'));
    expect(files).toContain(join('bench', 'lib', 'report.ts'));
    expect(files.some((f) => f.endsWith('.generated.ts') || f.split(/[\\/]/).includes('dist'))).toBe(false);
  });

  for (const folder of FOLDERS) {
    it(`no .ts or .mjs line in ${folder}/ is over ${MAX_LINE} characters`, () => {
      const found: string[] = [];
      for (const file of checkedFiles(join(ROOT, folder))) {
        for (const { line, length } of longLines(readFileSync(file, 'utf8'))) {
          found.push(`${relative(ROOT, file)}:${line} (${length} characters)`);
        }
      }
      expect(found).toEqual([]);
    });
  }
});
