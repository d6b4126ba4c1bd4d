#!/usr/bin/env node
// Removes from a package's dist/ every output whose source is gone (src/x.ts deleted or moved:
// tsc -b never deletes its old dist/x.js), so a tarball holds only what the sources build. Run by
// each package's `prepack` (npm pack, npm publish), from the package's folder.
//
// Usage (in packages/<name>): node ../../scripts/prune-dist.mjs
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const pkg = process.cwd();
const dist = join(pkg, 'dist');
const OUTPUT = /\.(d\.ts\.map|d\.ts|js\.map|js)$/;

/** Every file under `dir`. */
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const removed = [];
if (existsSync(dist)) {
  for (const file of files(dist)) {
    const rel = relative(dist, file);
    if (!OUTPUT.test(rel)) continue;
    const source = join(pkg, 'src', rel.replace(OUTPUT, '.ts'));
    if (!existsSync(source)) {
      rmSync(file);
      removed.push(rel);
    }
  }
}
if (removed.length > 0) console.error(`prune-dist: removed ${removed.length} outputs of deleted sources from ${dist}`);
