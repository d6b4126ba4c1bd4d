// The matmul kernels come in two builds (scripts/build-wasm.mjs): SIMD128 only, where each step of
// a dot product is a multiply then an add, and relaxed SIMD, where it is relaxed_madd (fused, one
// rounding, on hardware with FMA). The relaxed build is chosen exactly where the engine accepts
// relaxed SIMD (KERNELS_FUSED); Node 20 does so only with --experimental-wasm-relaxed-simd, so the
// fused build is checked in a child process started with that flag.
//
// A row [-(1+2^-19), 1+2^-20] times a column [1, 1+2^-20]: the exact result is 2^-40. Multiply then
// add rounds (1+2^-20)² to 1+2^-19 first and gives 0; a fused step gives 2^-40.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NDArray, jsBackend, wasmKernelVariant } from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { KERNELS_FUSED } from '../src/backends/wasm/variant.js';

const src = (rel: string): string => JSON.stringify(fileURLToPath(new URL(rel, import.meta.url)));

/**
 * Source text of `probe(backend)`: the distinct values of a 64×2 · 2×64 product
 * whose every row and column is the probe.
 */
function probeProduct(): string {
  return `
    const m = 64, n = 64;
    const a = new Float32Array(m * 2), b = new Float32Array(2 * n);
    for (let i = 0; i < m; i++) { a[2 * i] = -(1 + 2 ** -19); a[2 * i + 1] = 1 + 2 ** -20; }
    for (let j = 0; j < n; j++) { b[j] = 1; b[n + j] = 1 + 2 ** -20; }
    const probe = (be) =>
      Array.from(new Set(be.matmul(new NDArray(a, [m, 2]), new NDArray(b, [2, n]), 'float32').data));`;
}

describe('wasm matmul builds', () => {
  it('the SIMD128-only build multiplies then adds (when it is the one in use)', () => {
    const wasm = createWasmBackend(jsBackend, { threads: 1 });
    const m = 64,
      n = 64;
    const a = new Float32Array(m * 2),
      b = new Float32Array(2 * n);
    for (let i = 0; i < m; i++) {
      a[2 * i] = -(1 + 2 ** -19);
      a[2 * i + 1] = 1 + 2 ** -20;
    }
    for (let j = 0; j < n; j++) {
      b[j] = 1;
      b[n + j] = 1 + 2 ** -20;
    }
    const got = Array.from(new Set(wasm.matmul(new NDArray(a, [m, 2]), new NDArray(b, [2, n]), 'float32').data));
    // Fused where relaxed SIMD is accepted (on FMA hardware), else rounded after the multiply.
    expect(got).toEqual(KERNELS_FUSED ? [2 ** -40] : [0]);
    expect(wasmKernelVariant()).toBe(KERNELS_FUSED ? 'relaxed-simd' : 'simd');
  });

  it(
    'the relaxed-SIMD build is chosen where accepted, fuses, agrees with js ' + 'and is bit-identical across threads',
    () => {
      const code = `
      import { NDArray, jsBackend, wasmKernelVariant } from ${src('../src/index.ts')};
      import { createWasmBackend } from ${src('../src/backends/wasm/index.ts')};
      import { KERNELS_FUSED } from ${src('../src/backends/wasm/variant.ts')};
      ${probeProduct()}
      const one = createWasmBackend(jsBackend, { threads: 1 });
      const two = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1 });
      let s = 12345;
      const rand = (len) =>
        Float32Array.from({ length: len }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2);
      let worst = 0, identical = true;
      const cases = [
        [133, 300, 77, false], [10, 784, 30, false], [10, 30, 784, true], [70, 260, 61, true], [5, 9, 300, false],
      ];
      for (const [m, k, n, tb] of cases) {
        const x = new NDArray(rand(m * k), [m, k]);
        const y = tb ? new NDArray(rand(n * k), [n, k]).transpose() : new NDArray(rand(k * n), [k, n]);
        const want = jsBackend.matmul(x, y, 'float32').data;
        const got1 = one.matmul(x, y, 'float32').data, got2 = two.matmul(x, y, 'float32').data;
        const absX = jsBackend.unary('abs', x, 'float32'), absY = jsBackend.unary('abs', y, 'float32');
        const bound = jsBackend.matmul(absX, absY, 'float64').data;
        for (let i = 0; i < want.length; i++) {
          if (!Object.is(got1[i], got2[i])) identical = false;
          worst = Math.max(worst, Math.abs(got1[i] - want[i]) / (2 * k * 2 ** -24 * bound[i]));
        }
      }
      console.log(JSON.stringify({
        fused: KERNELS_FUSED, variant: wasmKernelVariant(), probe1: probe(one), probe2: probe(two), worst, identical,
      }));`;
      const run = (flags: string[], env: Record<string, string> = {}) =>
        spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', code], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...process.env, ...env },
        });
      let r = run(['--experimental-wasm-relaxed-simd']);
      // engines where relaxed SIMD is no longer behind a flag
      if (r.status !== 0 && /bad option|unknown flag/i.test(r.stderr)) r = run([]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout.trim()) as {
        fused: boolean;
        variant: string;
        probe1: number[];
        probe2: number[];
        worst: number;
        identical: boolean;
      };
      expect(out.fused).toBe(true);
      expect(out.variant).toBe('relaxed-simd');
      // relaxed_madd is fused on x64 with FMA3 and on arm64 (every machine this runs on has it).
      expect(out.probe1).toEqual([2 ** -40]);
      expect(out.probe2).toEqual([2 ** -40]);
      expect(out.identical).toBe(true);
      expect(out.worst).toBeLessThanOrEqual(1); // |wasm − js| ≤ 2·k·2^-24·Σ|a·b|, as for the unfused build

      // CHAINRULE_WASM=simd keeps the SIMD128-only build even where relaxed SIMD is accepted.
      const plain = run(['--experimental-wasm-relaxed-simd'], { CHAINRULE_WASM: 'simd' });
      expect(plain.status).toBe(0);
      const plainOut = JSON.parse(plain.stdout.trim()) as {
        fused: boolean;
        variant: string;
        probe1: number[];
        worst: number;
      };
      expect(plainOut.variant).toBe('simd');
      expect(plainOut.probe1).toEqual([0]);
      expect(plainOut.worst).toBeLessThanOrEqual(1);
    },
  );
});
