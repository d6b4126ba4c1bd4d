// Static checks of bench/compare.ts, made before timing, without loading either library: does the
// other checkout have the same candidate module and factory signature as this one, which bench
// files the candidate reads differ between them, and is a checkout's built dist/ older than its
// sources (the training rows import the built packages).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** What the checks say about one row: `skip` (why it cannot be timed) or `note` (timed, but read with care). */
export interface RowCheck {
  readonly skip?: string;
  readonly note?: string;
}

/** The parameter list of `export [async] function name(...)`, whitespace collapsed; undefined if there is none. */
export function factorySignature(source: string, name: string): string | undefined {
  const m = new RegExp(`export\\s+(?:async\\s+)?function\\s+${name}\\s*\\(`).exec(source);
  if (m === null) return undefined;
  let depth = 1,
    i = m.index + m[0].length;
  const start = i;
  for (; i < source.length && depth > 0; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')') depth--;
  }
  const rest = /^\s*(:\s*[^{]*)?/.exec(source.slice(i))?.[1] ?? '';
  return `(${source.slice(start, i - 1)})${rest}`.replace(/\s+/g, ' ').trim();
}

/** The bench/ files a module reads through relative imports (itself included), as paths relative to `root`. */
function benchClosure(root: string, module: string): string[] {
  const bench = join(root, 'bench');
  const seen = new Set<string>();
  const visit = (file: string): void => {
    const rel = relative(root, file);
    if (seen.has(rel) || !file.startsWith(`${bench}/`) || !existsSync(file)) return;
    seen.add(rel);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g))
      visit(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  };
  visit(join(root, module));
  return [...seen].sort();
}

const read = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** Checks one row's candidate (module path and factory) in `head` against `base` (both checkout roots). */
export function checkCandidate(head: string, base: string, module: string, factory: string): RowCheck {
  const headText = read(join(head, module)),
    baseText = read(join(base, module));
  if (headText === undefined) return { skip: `this checkout has no ${module}` };
  if (baseText === undefined) return { skip: `base has no ${module}` };
  const headSig = factorySignature(headText, factory),
    baseSig = factorySignature(baseText, factory);
  if (headSig === undefined) return { skip: `this checkout's ${module} exports no function ${factory}` };
  if (baseSig === undefined) return { skip: `base's ${module} exports no function ${factory}` };
  if (headSig !== baseSig) return { skip: `${factory} differs: base ${baseSig}, head ${headSig}` };
  const files = [...new Set([...benchClosure(head, module), ...benchClosure(base, module)])];
  const differ = files.filter((f) => read(join(head, f)) !== read(join(base, f)));
  return differ.length === 0 ? {} : { note: `bench files differ between the checkouts: ${differ.join(', ')}` };
}

/** The built packages the bench's candidates import (the training rows through '@chainrule/...'). */
const BUILT = ['tensor', 'autograd', 'nn', 'cli'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Packages of the checkout at `root` whose dist/ is missing or older than a file of their src/. */
export function staleBuilds(root: string): string[] {
  return BUILT.filter((pkg) => {
    const src = join(root, 'packages', pkg, 'src'),
      info = join(root, 'packages', pkg, 'dist', '.tsbuildinfo');
    if (!existsSync(src)) return false;
    return !existsSync(info) || newestMtime(src) > statSync(info).mtimeMs;
  });
}
