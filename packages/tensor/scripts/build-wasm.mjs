#!/usr/bin/env node
// Compiles the AssemblyScript SIMD128 kernels (packages/tensor/assembly/*.ts) with asc and writes
// the WebAssembly bytes, base64-encoded, into TypeScript modules under src/backends/wasm/, so that
// the TypeScript sources (vitest), the compiled dist/ and browser bundles all carry the kernels
// without any file system access. The generated files are gitignored and rebuilt from the sources;
// they are skipped when the sources have not changed since the last build (their hash is recorded).
//
// Two builds are made from the same sources: SIMD128 only, and SIMD128 + relaxed SIMD, whose matmul
// uses relaxed_madd (a fused multiply-add on hardware with FMA, about 1.3-1.5x faster). Each goes to
// its own module (kernels-simd.generated.ts, kernels-relaxed.generated.ts), which runtime.ts imports
// dynamically: a runtime loads only the build it runs, and a bundler splitting chunks ships each as
// its own file. Each build is compiled twice, importing a shared memory (for the worker pool) and a
// plain one (for runtimes without SharedArrayBuffer); the two binaries differ in one byte, the
// memory import's limits flags (checked here), so only the shared one is written and runtime.ts
// flips that byte for the plain one. kernels-meta.generated.ts holds the offset, the flags, the
// memory's maximum pages and a relaxed-SIMD probe.
//
// Usage: node packages/tensor/scripts/build-wasm.mjs [--force]

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(pkg, 'assembly');
const outDir = join(pkg, 'src', 'backends', 'wasm');
const outFiles = ['kernels-meta', 'kernels-simd', 'kernels-relaxed'].map((n) => join(outDir, `${n}.generated.ts`));
const force = process.argv.includes('--force');

/** 65536 pages = 4 GiB: the most a wasm32 memory can address. */
const MAX_PAGES = 65536;

const common = [
  join(srcDir, 'index.ts'),
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--importMemory',
  '--noExportMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  String(MAX_PAGES),
  '--use',
  'abort=',
  '--enable',
  'simd',
];

const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const hash = createHash('sha256');
hash.update(JSON.stringify(common.slice(1)));
hash.update(readFileSync(fileURLToPath(import.meta.url)));
for (const f of sources) hash.update(f).update(readFileSync(join(srcDir, f)));
const digest = hash.digest('hex').slice(0, 16);

const upToDate = (f) => existsSync(f) && readFileSync(f, 'utf8').includes(`SOURCE_HASH = '${digest}'`);
if (!force && outFiles.every(upToDate)) {
  process.exit(0);
}

async function compile(extra) {
  let binary;
  const errors = [];
  const { error } = await asc.main([...common, ...extra, '--outFile', 'kernels.wasm'], {
    writeFile(name, contents) {
      if (name.endsWith('.wasm')) binary = contents;
    },
    stdout: { write: () => true },
    stderr: {
      write: (s) => {
        errors.push(String(s));
        return true;
      },
    },
  });
  if (error || binary === undefined) {
    throw new Error(`asc failed: ${error?.message ?? 'no output'}\n${errors.join('')}`);
  }
  return Buffer.from(binary);
}

const SHARED = ['--sharedMemory', '--enable', 'threads'];
const RELAXED = ['--enable', 'relaxed-simd'];
const shared = await compile(SHARED);
const plain = await compile([]);
const sharedRelaxed = await compile([...SHARED, ...RELAXED]);
const plainRelaxed = await compile(RELAXED);

/**
 * The smallest module using relaxed SIMD: (func (param v128 v128 v128) (result v128)
 * f32x4.relaxed_madd of its parameters). Engines validate it exactly when they accept relaxed SIMD.
 */
const RELAXED_PROBE = Buffer.from([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type: (v128 v128 v128) -> v128
  0x03,
  0x02,
  0x01,
  0x00, // one function of type 0
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00,
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02,
  0xfd,
  0x85,
  0x02,
  0x0b, // local.get 0..2, f32x4.relaxed_madd
]);

// The SIMD-only modules must validate with this very engine; the relaxed ones exactly where the probe does.
for (const [name, bytes] of [
  ['shared', shared],
  ['plain', plain],
]) {
  if (!WebAssembly.validate(bytes)) throw new Error(`build-wasm: the ${name} module does not validate`);
}
const relaxedHere = WebAssembly.validate(RELAXED_PROBE);
for (const [name, bytes] of [
  ['shared relaxed', sharedRelaxed],
  ['plain relaxed', plainRelaxed],
]) {
  if (WebAssembly.validate(bytes) !== relaxedHere) {
    throw new Error(
      `build-wasm: the ${name} module ${relaxedHere ? 'does not validate' : 'validates without relaxed SIMD'}`,
    );
  }
}

/** The one byte where the shared and plain binaries differ: the memory import's limits flags. */
function flagsOffset(a, b, name) {
  const diff = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) diff.push(i);
  if (a.length !== b.length || diff.length !== 1) {
    throw new Error(`build-wasm: the shared and plain ${name} binaries differ in more than the memory flags`);
  }
  return diff[0];
}
const offset = flagsOffset(shared, plain, 'SIMD');
if (flagsOffset(sharedRelaxed, plainRelaxed, 'relaxed') !== offset) {
  throw new Error('build-wasm: the memory flags of the two builds are not at the same offset');
}
const sharedFlags = shared[offset];
const plainFlags = plain[offset];
if (sharedRelaxed[offset] !== sharedFlags || plainRelaxed[offset] !== plainFlags) {
  throw new Error('build-wasm: the memory flags of the two builds differ');
}

const HEADER = `// GENERATED by packages/tensor/scripts/build-wasm.mjs from packages/tensor/assembly/*.ts. Do not edit.
// Not committed: rebuilt by the package build.

/** Hash of the AssemblyScript sources and build flags this file was made from. */
export const SOURCE_HASH = '${digest}';
`;

const meta = `${HEADER}
/** Maximum pages of the memory the kernels import (env.memory). */
export const MAX_PAGES = ${MAX_PAGES};

/** A tiny module using f32x4.relaxed_madd: engines validate it exactly when they accept relaxed SIMD. */
export const RELAXED_PROBE_BASE64 = '${RELAXED_PROBE.toString('base64')}';

/** Byte offset of the memory import's limits flags in both builds. */
export const MEMORY_FLAGS_OFFSET = ${offset};

/** The limits flags of a shared memory import (what the stored binaries hold). */
export const SHARED_MEMORY_FLAGS = ${sharedFlags};

/** The limits flags of a plain (non-shared) memory import. */
export const PLAIN_MEMORY_FLAGS = ${plainFlags};
`;

const kernels = (what, bytes) => `${HEADER}
/** The ${what} kernels, importing a shared memory (flip MEMORY_FLAGS_OFFSET for a plain one). */
export const KERNELS_BASE64: string =
  '${bytes.toString('base64')}';
`;

mkdirSync(outDir, { recursive: true });
writeFileSync(outFiles[0], meta);
writeFileSync(outFiles[1], kernels('SIMD128-only', shared));
writeFileSync(outFiles[2], kernels('relaxed-SIMD', sharedRelaxed));
console.log(
  `build-wasm: wrote ${outFiles.join(', ')} ` +
    `(${shared.length} + ${sharedRelaxed.length} bytes of wasm; memory flags at byte ${offset})`,
);
