// The wasm float32 sigmoid and tanh (assembly/f32-activations.ts): a short f64 polynomial whose
// result is kept only where it rounds to one float32 with a margin of 2^-40, the fdlibm scalar port
// elsewhere. Their bits must be the js backend's (Math.tanh, scalar-math.ts's sigmoid, each rounded
// once to float32): here on dense runs of consecutive float32 inputs where each branch of the fast
// path works, and on blocks holding inputs within the margin of a rounding boundary, which must take
// the scalar port. scripts/check-f32-activations.mjs runs the same comparison on all 2^32 inputs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, jsBackend, type Backend } from '../src/index.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { WasmContext } from '../src/backends/wasm/context.js';
import { mathKernelAgrees } from '../src/backends/wasm/unary-math.js';
import { sigmoid } from '../src/scalar-math.js';
import { countingFallback, expectBitIdentical } from './backend-helpers.js';

const { backend: counting, calls } = countingFallback();
const wasm: Backend = createWasmBackend(counting, { threads: 1 });
const ctx = new WasmContext({ threads: 1 });
const OPS = ['sigmoid', 'tanh'] as const;
type Op = (typeof OPS)[number];

/** `count` consecutive float32 bit patterns from `first` (an unsigned 32-bit word). */
function run(first: number, count: number): NDArray {
  const bits = new Uint32Array(count);
  for (let i = 0; i < count; i++) bits[i] = (first + i) >>> 0;
  return new NDArray(new Float32Array(bits.buffer), [count]);
}

/** Checks the wasm kernel against the js backend on x, and that it ran in wasm. */
function check(op: Op, x: NDArray): void {
  for (const key of Object.keys(calls)) delete calls[key];
  expectBitIdentical(wasm.unary(op, x, 'float32'), jsBackend.unary(op, x, 'float32'));
  expect(calls.unary ?? 0).toBe(0);
}

const DOWN = 1 - 2 ** -40;
const UP = 1 + 2 ** -40;

/** float32 inputs in [from, from + span) (bit patterns) whose f64 result is within 2^-40 of a rounding boundary. */
function nearBoundary(op: Op, from: number, span: number, want: number): number[] {
  const f = op === 'tanh' ? Math.tanh : sigmoid;
  const x = new Float32Array(1);
  const word = new Uint32Array(x.buffer);
  const out: number[] = [];
  for (let i = 0; i < span && out.length < want; i++) {
    word[0] = (from + i) >>> 0;
    const y = Math.abs(f(x[0]!));
    if (Math.fround(y * DOWN) !== Math.fround(y * UP)) out.push(x[0]!);
  }
  return out;
}

describe('wasm float32 sigmoid and tanh', () => {
  it('run in wasm on this engine (its Math.* is fdlibm)', () => {
    for (const op of OPS) expect([op, mathKernelAgrees(ctx.heap, op)]).toEqual([op, true]);
  });

  for (const op of OPS) {
    it(`${op}: bit-identical to the js backend on every float32 of dense runs across the fast path's branches`, () => {
      const starts = [
        0x00000000, // +0 and subnormals
        0x3c000000, // |x| ≈ 2^-7: k = 0 (no reduction)
        0x3e316000, // ≈ 0.173, across ln2/4 (tanh's k = 0 → −1)
        0x3eb17000, // ≈ 0.347, across ln2/2 (sigmoid's k = 0 → ∓1 for ±x)
        0x3f800000, // [1, 2)
        0x41000000, // [8, 16)
        0x4193f000, // ≈ 18.5, across tanh's k = −53 → −54 (2^k − 1 no longer exact)
        0x41c00000, // [24, 24.1): sigmoid's k ≈ ∓35
        0x421fc000, // 39.94 … 40.06, across tanh's limit
        0x429fc000, // 79.88 … 80.13, across sigmoid's limit
        0x7f7ff000, // the largest finite, ∞ and NaNs
      ];
      for (const first of starts) {
        check(op, run(first, 1 << 15));
        check(op, run((first | 0x80000000) >>> 0, 1 << 15)); // negative
      }
    });

    it(`${op}: blocks holding elements near a rounding boundary (the fdlibm path's) give the same bits`, () => {
      const near = [...nearBoundary(op, 0x3e000000, 1 << 23, 12), ...nearBoundary(op, 0xc0000000, 1 << 23, 12)];
      expect(near.length).toBeGreaterThanOrEqual(8);
      fc.assert(
        fc.property(fc.integer({ min: 512, max: 1200 }), fc.nat(), (n, seed) => {
          const data = new Float32Array(n);
          for (let i = 0; i < n; i++) data[i] = Math.sin(seed + i * 0.7) * 6;
          for (let k = 0; k < 6; k++) data[(seed * 31 + k * 97) % n] = near[(seed + k) % near.length]!;
          check(op, new NDArray(data, [n]));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('the fused LSTM cell, which uses them, stays bit-identical to the js backend (and runs in wasm)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 9 }), fc.integer({ min: 32, max: 70 }), fc.nat(), (rows, hidden, seed) => {
        const gates = new Float32Array(rows * 4 * hidden);
        for (let i = 0; i < gates.length; i++) gates[i] = Math.sin(seed + i * 1.3) * 4;
        const c = new Float32Array(rows * hidden);
        for (let i = 0; i < c.length; i++) c[i] = Math.cos(seed + i) * 2;
        const g = new NDArray(gates, [rows, 4 * hidden]);
        const cs = new NDArray(c, [rows, hidden]);
        for (const key of Object.keys(calls)) delete calls[key];
        expectBitIdentical(wasm.fusedLstmCell(g, cs), jsBackend.fusedLstmCell(g, cs));
        expect(calls.fusedLstmCell ?? 0).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
