// The LSTM cell kernels' optional addends (what an LSTM layer hands them so that no separate pass adds
// them): the forward's hGates and bias (pre-activations gates + (hGates + bias)) and the backward's
// gradNext (gradient grad + gradNext) must give bit for bit what the kernel gives on the sums the
// binary kernel makes, on the TypeScript and WebAssembly backends, float32 and float64, any layout;
// the wasm kernels must run them themselves, and operands that do not fit get typed errors.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Backend, DTypeError, NDArray, ShapeError, jsBackend } from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { countingFallback, expectBitIdentical } from './backend-helpers.js';
import { spikyValues } from './helpers.js';

type FloatDType = 'float32' | 'float64';

const fallback = countingFallback();
const backends: [string, Backend][] = [['js', jsBackend]];
if (wasmSupported()) backends.push(['wasm', createWasmBackend(fallback.backend, { threads: 1 })]);

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-30, -1e30, 20, -20, 3.4e38];

/** An array of `shape` with values in [-4, 4) (a tenth special), contiguous or as a transposed copy's view. */
function array(dtype: FloatDType, shape: number[], seed: number, strided = false): NDArray {
  const v = spikyValues(
    shape.reduce((p, d) => p * d, 1),
    seed,
    4,
    SPECIALS,
  );
  const x = new NDArray(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), shape);
  if (!strided || shape.length < 2) return x;
  const order = shape.map((_, i) => shape.length - 1 - i);
  return jsBackend.copy(x.permute(order), dtype).permute(order);
}

/** The binary kernel's a + b (b broadcast to a's shape). */
const plus = (a: NDArray, b: NDArray): NDArray => jsBackend.binary('add', a, b.expand(a.shape), a.dtype);

const caseArb = fc.record({
  rows: fc.integer({ min: 1, max: 40 }),
  hidden: fc.integer({ min: 1, max: 24 }),
  strided: fc.boolean(),
  withBias: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe('LSTM cell kernels: the addends they take', () => {
  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} ${dtype}: gates + (hGates + bias) and grad + gradNext, as the binary kernel adds them`, () => {
        fc.assert(
          fc.property(caseArb, ({ rows, hidden, strided, withBias, seed }) => {
            const gates = array(dtype, [rows, 4 * hidden], seed);
            const hGates = array(dtype, [rows, 4 * hidden], seed + 1, strided);
            const bias = withBias ? array(dtype, [4 * hidden], seed + 2) : undefined;
            const c = array(dtype, [rows, hidden], seed + 3);
            const pre = plus(gates, bias === undefined ? hGates : plus(hGates, bias));
            const cell = backend.fusedLstmCell(gates, c, undefined, hGates, bias);
            expectBitIdentical(cell, jsBackend.fusedLstmCell(pre, c));
            const grad = array(dtype, [2, rows, hidden], seed + 4);
            const gradNext = array(dtype, [2, rows, hidden], seed + 5, strided);
            const got = backend.fusedLstmCellBackward(grad, cell, c, undefined, gradNext);
            const want = jsBackend.fusedLstmCellBackward(plus(grad, gradNext), cell, c);
            expectBitIdentical(got.gates, want.gates);
            expectBitIdentical(got.c, want.c);
          }),
          { numRuns: 80 },
        );
      });
    }
  }

  it.skipIf(!wasmSupported())('wasm: computes them itself, views included, into given arrays (no fallback)', () => {
    const wasm = backends[1]![1];
    for (const dtype of ['float32', 'float64'] as const) {
      for (const strided of [false, true]) {
        // 48 rows of hidden 13: past the kernels' 512 elements of c, with a tail in every row; every
        // operand contiguous, or every one a view of a transposed copy (staged in row-major order)
        const [rows, hidden] = [48, 13];
        const gates = array(dtype, [rows, 4 * hidden], 1, strided);
        const hGates = array(dtype, [rows, 4 * hidden], 2, strided);
        const bias = array(dtype, [4 * hidden], 3);
        const c = array(dtype, [rows, hidden], 4, strided);
        const before = { ...fallback.calls };
        const size = 7 * rows * hidden;
        const out = new NDArray(dtype === 'float32' ? new Float32Array(size) : new Float64Array(size), [
          7,
          rows,
          hidden,
        ]);
        expect(wasm.fusedLstmCell(gates, c, out, hGates, bias)).toBe(out);
        expectBitIdentical(out, jsBackend.fusedLstmCell(plus(gates, plus(hGates, bias)), c));
        const grad = array(dtype, [2, rows, hidden], 5, strided);
        const gradNext = array(dtype, [2, rows, hidden], 6, strided);
        const cell = strided ? out.permute([1, 0, 2]).contiguous().permute([1, 0, 2]) : out;
        expect(cell.isContiguous).toBe(!strided);
        const got = wasm.fusedLstmCellBackward(grad, cell, c, undefined, gradNext);
        const want = jsBackend.fusedLstmCellBackward(plus(grad, gradNext), out, c);
        expectBitIdentical(got.gates, want.gates);
        expectBitIdentical(got.c, want.c);
        expect(fallback.calls.fusedLstmCell ?? 0).toBe(before.fusedLstmCell ?? 0);
        expect(fallback.calls.fusedLstmCellBackward ?? 0).toBe(before.fusedLstmCellBackward ?? 0);
      }
    }
  });

  for (const [name, backend] of backends) {
    it(`${name}: refuses addends that do not fit, naming the kernel and the operand`, () => {
      // (c of 512 elements: sizes the wasm kernels take, so their own checks decline these)
      const f32 = (shape: number[]): NDArray => array('float32', shape, 9);
      const [gates, c] = [f32([64, 32]), f32([64, 8])];
      expect(() => backend.fusedLstmCell(gates, c, undefined, f32([64, 24]))).toThrow(
        new ShapeError('fusedLstmCell', 'hGates has shape [64,24], expected [64,32]'),
      );
      expect(() => backend.fusedLstmCell(gates, c, undefined, f32([64, 32]), f32([8]))).toThrow(
        new ShapeError('fusedLstmCell', 'bias has shape [8], expected [32]'),
      );
      expect(() => backend.fusedLstmCell(gates, c, undefined, array('float64', [64, 32], 1))).toThrow(
        new DTypeError('fusedLstmCell', 'hGates has dtype float64, expected float32'),
      );
      expect(() => backend.fusedLstmCell(gates, c, undefined, undefined, f32([32]))).toThrow(
        new ShapeError('fusedLstmCell', 'bias is added to hGates: give hGates too'),
      );
      const cell = backend.fusedLstmCell(gates, c);
      expect(() => backend.fusedLstmCellBackward(f32([2, 64, 8]), cell, c, undefined, f32([1, 64, 8]))).toThrow(
        new ShapeError('fusedLstmCellBackward', 'gradNext has shape [1,64,8], expected [2,64,8]'),
      );
    });
  }
});
