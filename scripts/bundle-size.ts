/**
 * The size a browser downloads for a minimal chainrule app (tensor + autograd + nn: one Linear layer
 * trained by SGD), bundled with esbuild (ESM, minified, chunks split) from the packages' sources and
 * gzipped: the JavaScript, and the one wasm kernel build the page loads (each build is its own
 * chunk, imported dynamically; the page fetches only the one its engine runs). The native layer
 * (BLAS, malloc tuning: Node alone loads it) is a chunk of its own too, `node-*.js`, which no chunk
 * imports statically, so a page never fetches it: it is measured apart.
 *
 * Run: npx tsx scripts/bundle-size.ts        (prints a table; --json prints the numbers as JSON)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The app: one Linear layer fitted to y = 2x + 1 with SGD. */
const APP = `
import { tensor } from '@chainrule/autograd';
import { Linear, SGD, mseLoss } from '@chainrule/nn';
const net = new Linear(1, 1);
const opt = new SGD(net.parameters(), { lr: 0.1 });
const x = tensor([[0], [1], [2], [3]]);
const y = tensor([[1], [3], [5], [7]]);
for (let i = 0; i < 200; i++) {
  opt.zeroGrad();
  const loss = mseLoss(net.forward(x), y);
  loss.backward();
  opt.step();
}
console.log(net.weight.toArray(), net.bias?.toArray());
`;

/** Gzipped sizes in bytes. */
export interface BundleSize {
  /** Every JavaScript chunk but the kernel builds (what the page loads before any kernel). */
  jsGzip: number;
  /** The same, not gzipped. */
  jsRaw: number;
  /** Each kernel build's chunk, gzipped (the page loads one). */
  kernelsGzip: { simd: number; relaxed: number };
  /** The Node-only chunk, gzipped, and whether another chunk imports it statically (a page would fetch it then). */
  nodeOnly: { gzip: number; staticallyImported: boolean };
  /** The chunks esbuild wrote. */
  chunks: string[];
}

/** Bundles the app and measures it. */
export async function measureBundle(): Promise<BundleSize> {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-bundle-'));
  try {
    const entry = join(dir, 'app.ts');
    writeFileSync(entry, APP);
    await build({
      entryPoints: [entry],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outdir: join(dir, 'out'),
      logLevel: 'silent',
      alias: {
        '@chainrule/tensor': join(root, 'packages/tensor/src/index.ts'),
        '@chainrule/autograd': join(root, 'packages/autograd/src/index.ts'),
        '@chainrule/nn': join(root, 'packages/nn/src/index.ts'),
      },
    });
    const out = join(dir, 'out');
    const chunks = readdirSync(out).sort();
    let jsGzip = 0;
    let jsRaw = 0;
    const kernelsGzip = { simd: 0, relaxed: 0 };
    const nodeOnly = { gzip: 0, staticallyImported: false };
    for (const name of chunks) {
      const bytes = readFileSync(join(out, name));
      const gz = gzipSync(bytes, { level: 9 }).length;
      // esbuild's static imports: import"./x.js" or ...from"./x.js" (a dynamic one is import("./x.js"))
      if (/(?:import|from)\s*"\.\/node-/.test(bytes.toString('utf8'))) nodeOnly.staticallyImported = true;
      if (name.startsWith('node-')) nodeOnly.gzip = gz;
      else if (name.startsWith('kernels-simd.generated')) kernelsGzip.simd = gz;
      else if (name.startsWith('kernels-relaxed.generated')) kernelsGzip.relaxed = gz;
      else {
        jsGzip += gz;
        jsRaw += bytes.length;
      }
    }
    return { jsGzip, jsRaw, kernelsGzip, nodeOnly, chunks };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await measureBundle();
  if (process.argv.includes('--json')) console.log(JSON.stringify(s));
  else {
    console.log('minimal app (tensor + autograd + nn, one Linear, SGD), esbuild --minify --splitting, gzip -9');
    console.log(`JavaScript:              ${kb(s.jsGzip)} gzipped (${kb(s.jsRaw)} raw)`);
    console.log(`kernels, simd build:     ${kb(s.kernelsGzip.simd)} gzipped`);
    console.log(`kernels, relaxed build:  ${kb(s.kernelsGzip.relaxed)} gzipped`);
    console.log(`Node only (not fetched): ${kb(s.nodeOnly.gzip)} gzipped`);
    console.log(
      `a page loads:            ${kb(s.jsGzip + Math.max(s.kernelsGzip.simd, s.kernelsGzip.relaxed))} at most`,
    );
  }
}
