// The fused LSTM and GRU cell kernels (forward and backward) must give bit for bit what the unfused
// ops give (the activations, products, sums and their gradients, each result rounded to the dtype),
// on the TypeScript and WebAssembly backends, for float32 and float64, any layout of the operands and
// any value, NaN, ±0 and ±Inf included.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Backend,
  DTypeError,
  GRU_CELL_PLANES,
  LSTM_CELL_PLANES,
  NDArray,
  ShapeError,
  add,
  concat,
  fusedGruCell,
  fusedGruCellBackward,
  fusedLstmCell,
  fusedLstmCellBackward,
  jsBackend,
  mul,
  neg,
  sigmoid,
  split,
  square,
  stack,
  sub,
  tanh,
  zeros,
} from '../src/index.js';
import { createWasmBackend, wasmSupported } from '../src/backends/wasm/index.js';
import { countingFallback, expectBitIdentical, withBackend } from './backend-helpers.js';
import { spikyValues } from './helpers.js';

type FloatDType = 'float32' | 'float64';
type Layout = 'contiguous' | 'offset' | 'strided';

const backends: [string, Backend][] = [['js', jsBackend]];
/** The wasm backend's fallback, counting the calls that reach it (the wasm LSTM kernels must not). */
const fallback = countingFallback();
if (wasmSupported()) backends.push(['wasm', createWasmBackend(fallback.backend, { threads: 1 })]);

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1, -1, 1e-30, -1e-30, 1e30, -1e30, 20, -20, 3.4e38, 1e-45];

/** Values in [-4, 4) (pre-activations and gradients of a cell), a tenth of them special. */
const values = (n: number, seed: number): number[] => spikyValues(n, seed, 4, SPECIALS);

/** An array of `shape` holding `v` in row-major order, laid out as asked (same values, other strides). */
function laid(dtype: FloatDType, v: readonly number[], shape: number[], layout: Layout): NDArray {
  const make = (xs: readonly number[], s: number[]): NDArray =>
    new NDArray(dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs), s);
  const x = make(v, shape);
  if (layout === 'contiguous') return x;
  if (layout === 'offset')
    return make([7, 7, ...v], [v.length + 2])
      .slice(0, 2)
      .reshape(shape);
  // the same values stored with the axes reversed, then viewed in `shape`'s order
  const reversed = [...shape].reverse();
  const order = shape.map((_, i) => shape.length - 1 - i);
  return jsBackend.copy(x.permute(order), dtype).reshape(reversed).permute(order);
}

const sigmoidSlope = (g: NDArray, y: NDArray): NDArray => mul(g, mul(y, sub(1, y)));
const tanhSlope = (g: NDArray, y: NDArray): NDArray => mul(g, sub(1, square(y)));

/** The unfused LSTM cell: split, three sigmoids, two tanhs, products and a sum (nn's lstmCell). */
function lstmOps(gates: NDArray, c: NDArray): NDArray {
  const [i, f, g, o] = split(gates, c.shape[c.ndim - 1]!, -1) as [NDArray, NDArray, NDArray, NDArray];
  const [si, sf, tg, so] = [sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)];
  const c2 = add(mul(sf, c), mul(si, tg));
  const tc = tanh(c2);
  return stack([mul(so, tc), c2, si, sf, tg, so, tc], 0);
}

/** The unfused backward of the LSTM cell from the gradients of h' and c': each op's rule in turn. */
function lstmBackOps(grad: NDArray, cell: NDArray, c: NDArray): { gates: NDArray; c: NDArray } {
  const [gh, gc] = split(grad, 1, 0).map((p) => p.squeeze(0)) as [NDArray, NDArray];
  const [, , si, sf, tg, so, tc] = split(cell, 1, 0).map((p) => p.squeeze(0)) as NDArray[];
  const gC2 = add(tanhSlope(mul(gh, so!), tc!), gc);
  const gates = concat(
    [
      sigmoidSlope(mul(gC2, tg!), si!),
      sigmoidSlope(mul(gC2, c), sf!),
      tanhSlope(mul(gC2, si!), tg!),
      sigmoidSlope(mul(gh, tc!), so!),
    ],
    -1,
  );
  return { gates, c: mul(gC2, sf!) };
}

/** The unfused GRU cell (nn's gruCell after its two linears). */
function gruOps(x: NDArray, hg: NDArray, h: NDArray): NDArray {
  const H = h.shape[h.ndim - 1]!;
  const [xr, xz, xn] = split(x, H, -1) as [NDArray, NDArray, NDArray];
  const [hr, hz, hn] = split(hg, H, -1) as [NDArray, NDArray, NDArray];
  const r = sigmoid(add(xr, hr)),
    z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return stack([add(mul(sub(1, z), n), mul(z, h)), r, z, n], 0);
}

/** The unfused backward of the GRU cell from the gradient of h' (1 − z's rule negates: ∂z = G·h + (−G·n)). */
function gruBackOps(g: NDArray, cell: NDArray, hg: NDArray, h: NDArray): Record<'x' | 'hg' | 'h', NDArray> {
  const hn = split(hg, h.shape[h.ndim - 1]!, -1)[2]!;
  const [, r, z, n] = split(cell, 1, 0).map((p) => p.squeeze(0)) as NDArray[];
  const gNpre = tanhSlope(mul(g, sub(1, z!)), n!);
  const dr = sigmoidSlope(mul(gNpre, hn), r!),
    dz = sigmoidSlope(add(mul(g, h), neg(mul(g, n!))), z!);
  return { x: concat([dr, dz, gNpre], -1), hg: concat([dr, dz, mul(gNpre, r!)], -1), h: mul(g, z!) };
}

const layoutArb = fc.constantFrom<Layout>('contiguous', 'offset', 'strided');
const caseArb = fc.record({
  lead: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
  hidden: fc.integer({ min: 1, max: 9 }),
  layouts: fc.tuple(layoutArb, layoutArb, layoutArb, layoutArb),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe('fused recurrent cells', () => {
  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} ${dtype}: the LSTM cell and its backward equal the unfused ops bit for bit`, () => {
        fc.assert(
          fc.property(caseArb, ({ lead, hidden, layouts, seed }) => {
            const rows = lead.reduce((p, d) => p * d, 1);
            const gates = laid(dtype, values(rows * 4 * hidden, seed), [...lead, 4 * hidden], layouts[0]);
            const c = laid(dtype, values(rows * hidden, seed + 1), [...lead, hidden], layouts[1]);
            const want = withBackend(jsBackend, () => lstmOps(gates, c));
            const cell = withBackend(backend, () => fusedLstmCell(gates, c));
            expectBitIdentical(cell, want);
            const planes = [LSTM_CELL_PLANES, ...lead, hidden];
            const grad = laid(dtype, values(2 * rows * hidden, seed + 2), [2, ...lead, hidden], layouts[2]);
            const saved = layouts[3] === 'contiguous' ? cell : laid(dtype, Array.from(cell.data), planes, layouts[3]);
            const got = withBackend(backend, () => fusedLstmCellBackward(grad, saved, c));
            const ref = withBackend(jsBackend, () => lstmBackOps(grad, cell, c));
            expectBitIdentical(got.gates, ref.gates);
            expectBitIdentical(got.c, ref.c);
          }),
          { numRuns: 120 },
        );
      });

      it(`${name} ${dtype}: the GRU cell and its backward equal the unfused ops bit for bit`, () => {
        fc.assert(
          fc.property(caseArb, ({ lead, hidden, layouts, seed }) => {
            const rows = lead.reduce((p, d) => p * d, 1);
            const gateShape = [...lead, 3 * hidden];
            const x = laid(dtype, values(rows * 3 * hidden, seed), gateShape, layouts[0]);
            const hg = laid(dtype, values(rows * 3 * hidden, seed + 1), gateShape, layouts[1]);
            const h = laid(dtype, values(rows * hidden, seed + 2), [...lead, hidden], layouts[2]);
            const cell = withBackend(backend, () => fusedGruCell(x, hg, h));
            expectBitIdentical(
              cell,
              withBackend(jsBackend, () => gruOps(x, hg, h)),
            );
            const grad = laid(dtype, values(rows * hidden, seed + 3), [...lead, hidden], layouts[3]);
            expect(cell.shape).toEqual([GRU_CELL_PLANES, ...lead, hidden]);
            const got = withBackend(backend, () => fusedGruCellBackward(grad, cell, hg, h));
            const ref = withBackend(jsBackend, () => gruBackOps(grad, cell, hg, h));
            expectBitIdentical(got.xGates, ref.x);
            expectBitIdentical(got.hGates, ref.hg);
            expectBitIdentical(got.h, ref.h);
          }),
          { numRuns: 120 },
        );
      });
    }
  }

  for (const [name, backend] of backends) {
    it(`${name}: equal the unfused ops at the sizes the wasm kernels take (hidden 7, 13, 24 and 40)`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        // (hidden sizes that are not a multiple of the kernels' 8-element steps leave a tail in every row)
        for (const hidden of [7, 13, 24, 40]) {
          const gates = laid(dtype, values(32 * 4 * hidden, hidden), [32, 4 * hidden], 'contiguous');
          const c = laid(dtype, values(32 * hidden, 7), [32, hidden], 'contiguous');
          expectBitIdentical(
            withBackend(backend, () => fusedLstmCell(gates, c)),
            withBackend(jsBackend, () => lstmOps(gates, c)),
          );
          const [x, hg] = [1, 2].map((k) => laid(dtype, values(32 * 3 * hidden, k), [32, 3 * hidden], 'contiguous'));
          expectBitIdentical(
            withBackend(backend, () => fusedGruCell(x!, hg!, c)),
            withBackend(jsBackend, () => gruOps(x!, hg!, c)),
          );
          // the LSTM backward over 80 rows (past the wasm kernel's 512 elements at every size)
          const rows = 80;
          const g80 = laid(dtype, values(rows * 4 * hidden, hidden + 1), [rows, 4 * hidden], 'contiguous');
          const c80 = laid(dtype, values(rows * hidden, 8), [rows, hidden], 'contiguous');
          const cell = withBackend(jsBackend, () => lstmOps(g80, c80));
          const grad = laid(dtype, values(2 * rows * hidden, 9), [2, rows, hidden], 'contiguous');
          const before = { ...fallback.calls };
          const got = withBackend(backend, () => fusedLstmCellBackward(grad, cell, c80));
          const ref = withBackend(jsBackend, () => lstmBackOps(grad, cell, c80));
          expectBitIdentical(got.gates, ref.gates);
          expectBitIdentical(got.c, ref.c);
          if (name === 'wasm') {
            // computed by the wasm kernels, not handed to the fallback
            withBackend(backend, () => fusedLstmCell(gates, c));
            expect(fallback.calls.fusedLstmCellBackward ?? 0).toBe(before.fusedLstmCellBackward ?? 0);
            expect(fallback.calls.fusedLstmCell ?? 0).toBe(before.fusedLstmCell ?? 0);
          }
        }
      }
    });
  }

  it('takes the documented values: LSTM and GRU planes at zero pre-activations', () => {
    const lstm = fusedLstmCell(zeros([1, 4], 'float64'), new NDArray(Float64Array.from([2]), [1, 1]));
    // σ(0) = 0.5, tanh(0) = 0: c' = 0.5·2 = 1, h' = 0.5·tanh(1)
    expect(Array.from(lstm.data)).toEqual([0.5 * Math.tanh(1), 1, 0.5, 0.5, 0, 0.5, Math.tanh(1)]);
    const gru = fusedGruCell(zeros([3], 'float64'), zeros([3], 'float64'), new NDArray(Float64Array.from([1]), [1]));
    expect(Array.from(gru.data)).toEqual([0.5, 0.5, 0.5, 0]);
    expect(fusedLstmCell(zeros([2, 0], 'float32'), zeros([2, 0], 'float32')).shape).toEqual([7, 2, 0]);
  });

  it('refuses shapes that do not fit and mixed or non-float dtypes, naming the operands', () => {
    const f32 = (shape: number[]): NDArray => zeros(shape, 'float32');
    expect(() => fusedLstmCell(f32([2, 6]), f32([2, 2]))).toThrow(
      new ShapeError('fusedLstmCell', 'gates must be [..., 4·H] = [2,8] for c [2,2], got [2,6]'),
    );
    expect(() => fusedLstmCell(f32([3, 8]), f32([2, 2]))).toThrow(ShapeError);
    expect(() => fusedLstmCell(f32([]), f32([]))).toThrow('c must have at least 1 dimension');
    expect(() => fusedLstmCell(f32([2, 8]), zeros([2, 2], 'float64'))).toThrow(
      new DTypeError(
        'fusedLstmCell',
        'expected operands of one float dtype (float32 or float64), got gates float32, c float64',
      ),
    );
    expect(() => fusedGruCell(f32([2, 6]), f32([2, 4]), f32([2, 2]))).toThrow(
      'fusedGruCell: hGates must be [..., 3·H] = [2,6] for h [2,2], got [2,4]',
    );
    expect(() => fusedGruCell(zeros([3], 'int32'), zeros([3], 'int32'), zeros([1], 'int32'))).toThrow(DTypeError);
    const cell = fusedLstmCell(f32([2, 8]), f32([2, 2]));
    expect(() => fusedLstmCellBackward(f32([7, 2, 2]), cell, f32([2, 2]))).toThrow(
      'fusedLstmCellBackward: expected grad [2,2,2] and cell [7,2,2] (7 planes of c [2,2]), ' +
        'got grad [7,2,2] and cell [7,2,2]',
    );
    expect(() => fusedGruCellBackward(f32([2]), f32([4, 2]), f32([5]), f32([2]))).toThrow(ShapeError);
    expect(() => fusedGruCellBackward(f32([2]), f32([3, 2]), f32([6]), f32([2]))).toThrow(ShapeError);
  });
});
