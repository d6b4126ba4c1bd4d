// A minimal browser app (tensor + autograd + nn, one Linear and SGD) bundled with esbuild: each
// wasm kernel build is its own chunk (the page fetches the one its engine runs), so is the native
// layer (Node alone loads it, through a dynamic import no other chunk makes statically), and the
// rest stays under 80 KB gzipped. The numbers themselves: npx tsx scripts/bundle-size.ts
import { describe, expect, it } from 'vitest';
import { measureBundle } from '../../scripts/bundle-size.js';

describe('browser bundle', () => {
  it('splits the kernel builds and the native layer out and keeps the JavaScript under 80 KB gzipped', async () => {
    const s = await measureBundle();
    const kernelChunks = s.chunks.filter((c) => c.startsWith('kernels-'));
    expect(kernelChunks.map((c) => c.replace(/-[A-Z0-9]+\.js$/, ''))).toEqual([
      'kernels-relaxed.generated',
      'kernels-simd.generated',
    ]);
    // one build is ~105 KB of wasm: gzipped base64 around 33 KB; the JS without either is far below 80 KB
    expect(s.kernelsGzip.simd).toBeGreaterThan(20_000);
    expect(s.kernelsGzip.relaxed).toBeGreaterThan(20_000);
    expect(s.jsGzip).toBeLessThan(80 * 1024);
    // the native layer (koffi's bindings, the BLAS loaders, the signal hold) is a few KB: its own chunk
    expect(s.chunks.filter((c) => c.startsWith('node-'))).toHaveLength(1);
    expect(s.nodeOnly.gzip).toBeGreaterThan(3_000);
    expect(s.nodeOnly.staticallyImported).toBe(false);
    expect(s.jsGzip).toBeLessThan(s.kernelsGzip.simd * 3); // no kernel build inlined into the JS
  }, 60_000);
});
