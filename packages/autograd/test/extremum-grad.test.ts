// The fused max/min backward (one reduced axis, no graph recorded) against the recorded chain
// eq → cast → sum → mul → div that createGraph uses: bit-identical, ties included.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, Rng } from '@chainrule/tensor';
import { Tensor, max, min, runBackward } from '../src/index.js';

/** Small integers, so that many windows have ties; signed gradients, so −0 can appear. */
function makeCase(
  seed: number,
  shape: number[],
  dtype: 'float32' | 'float64',
): { x: Tensor; g: (s: readonly number[]) => Tensor } {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const make = (n: number, f: () => number): Float32Array | Float64Array => {
    const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f();
    return out;
  };
  const x = new Tensor(
    new NDArray(
      make(size, () => Math.floor(rng.uniform() * 3)),
      shape,
    ),
    { requiresGrad: true },
  );
  const g = (s: readonly number[]): Tensor =>
    new Tensor(
      new NDArray(
        make(
          s.reduce((a, b) => a * b, 1),
          () => rng.uniform() * 2 - 1.3,
        ),
        [...s],
      ),
    );
  return { x, g };
}

function bits(t: Tensor): string[] {
  return Array.from(t.value.contiguous().data as Float32Array, (v) => (Object.is(v, -0) ? '-0' : String(v)));
}

describe('max/min backward, fused path', () => {
  for (const [name, op] of [
    ['max', max],
    ['min', min],
  ] as const) {
    it(`${name}: equals the recorded chain bit for bit (ties split evenly)`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
          fc.nat(),
          fc.boolean(),
          fc.constantFrom('float32' as const, 'float64' as const),
          (shape, axisSeed, keepDims, dtype) => {
            const axis = axisSeed % shape.length;
            const { x, g } = makeCase(axisSeed + shape.length, shape, dtype);
            const y = op(x, axis, keepDims);
            const seed = g(y.shape);
            const [fused] = runBackward([y], [seed], { targets: [x], retainGraph: true });
            const [chain] = runBackward([y], [seed], { targets: [x], createGraph: true });
            expect(bits(fused!)).toEqual(bits(chain!));
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('splits the gradient evenly between tied maxima', () => {
    const x = new Tensor(new NDArray(new Float64Array([1, 3, 3, 2, 5, 0]), [2, 3]), { requiresGrad: true });
    const [gx] = runBackward([max(x, 1)], [new Tensor(new NDArray(new Float64Array([1, 4]), [2]))], { targets: [x] });
    expect(Array.from(gx!.value.data)).toEqual([0, 0.5, 0.5, 0, 4, 0]);
  });
});
