// Every ```ts example in the package README runs as written (imports from '@chainrule/autograd'
// are served from the sources) and prints what its comments say where the value is exact.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as lib from '@chainrule/autograd';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Runs one example; returns what it printed, one string per console.log call. */
function run(source: string): string[] {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const body = js.replace(/import\s*\{([^}]*)\}\s*from\s*'@chainrule\/autograd';/g, 'const {$1} = lib;');
  expect(body).not.toMatch(/\bimport\b/);
  const printed: string[] = [];
  const console = {
    log: (...xs: unknown[]) => printed.push(xs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
  };
  new Function('lib', 'console', body)(lib, console);
  return printed;
}

/** Lines of the form `console.log(...); // a b c` whose expected output is plain numbers or JSON. */
function expectedOutputs(source: string): (string | undefined)[] {
  return source
    .split('\n')
    .filter((l) => /^\s*console\.log\(/.test(l))
    .map((l) => {
      const comment = /\/\/ (.*)$/.exec(l)?.[1]?.split(/[:=] /)[0]?.trim();
      if (comment === undefined) return undefined;
      const words = comment.split(/ (?![^[]*\])/); // split on spaces outside brackets
      try {
        return words.map((w) => JSON.stringify(JSON.parse(w))).join(' ');
      } catch {
        return undefined; // prose, not a value
      }
    });
}

describe('README examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(10));
  blocks.forEach((source, i) => {
    const first = source.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
    it(`example ${i + 1}: ${first.slice(0, 60)}`, () => {
      const printed = run(source);
      expect(printed.length).toBeGreaterThan(0);
      expectedOutputs(source).forEach((want, k) => {
        if (want !== undefined) expect(printed[k], `console.log #${k + 1}`).toBe(want);
      });
    });
  });
});
