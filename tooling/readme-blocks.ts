/**
 * Runs every ```ts block of a README as a module, so the examples stay runnable: each block is
 * written to a scratch folder next to the calling test (so the package aliases resolve) and
 * imported; console output is silenced (SHOW_README=1 shows it). Shared by the packages' README tests.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * Declares the tests for the README beside the test file `testUrl` (its package's README.md).
 * @example
 * ```ts
 * describeReadmeBlocks(import.meta.url, 10); // in packages/nn/test/readme.test.ts
 * ```
 */
export function describeReadmeBlocks(testUrl: string, minBlocks: number): void {
  const here = dirname(fileURLToPath(testUrl));
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const scratch = join(here, `.readme-${process.pid}`);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  describe('README examples', () => {
    it('has examples', () => {
      expect(blocks.length).toBeGreaterThanOrEqual(minBlocks);
    });
    blocks.forEach((code, i) => {
      const title = code.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
      it(`block ${i + 1} runs: ${title.slice(0, 60)}`, { timeout: 30_000 }, async () => {
        mkdirSync(scratch, { recursive: true });
        const file = join(scratch, `block-${i + 1}.ts`);
        writeFileSync(file, `${code}\nexport {};\n`);
        const show = (...a: unknown[]) =>
          process.stdout.write(`${a.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')}\n`);
        const log = vi.spyOn(console, 'log').mockImplementation(process.env.SHOW_README === '1' ? show : () => {});
        try {
          await import(/* @vite-ignore */ file);
        } finally {
          log.mockRestore();
        }
      });
    });
  });
}
