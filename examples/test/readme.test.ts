/**
 * Runs the ```ts blocks of the root README.md as modules and checks what they print against the
 * `// expected` comment at the end of each console.log line.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const scratch = join(here, `.readme-${process.pid}`);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The expected printout of each `console.log(...); // expected` line, in order. */
function expectedOutputs(code: string): string[] {
  return code.split('\n').flatMap((line) => {
    const m = /^\s*console\.log\((.*)\);\s*\/\/\s*(.+)$/.exec(line);
    return m && !m[1]!.startsWith('explain') ? [m[2]!.trim()] : [];
  });
}

describe('root README examples', () => {
  it('has the tour', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });
  blocks.forEach((code, i) => {
    it(`block ${i + 1} runs and prints what its comments say`, { timeout: 60_000 }, async () => {
      mkdirSync(scratch, { recursive: true });
      const file = join(scratch, `block-${i + 1}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      const printed: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
      try {
        await import(/* @vite-ignore */ file);
      } finally {
        log.mockRestore();
      }
      const normalize = (s: string): string => s.replace(/\s+/g, '');
      const wanted = expectedOutputs(code);
      expect(wanted.length).toBeGreaterThan(0);
      for (const w of wanted) expect(printed.map(normalize)).toContain(normalize(w));
    });
  });
});
