// Adam and AdamW update contiguous parameters with the fused step (T.adamUpdate, one pass) and any
// other parameter with the unfused ops; the two must agree bit for bit, in float32 and float64,
// with AMSGrad, L2 and decoupled weight decay, on arrays long enough for the wasm kernel and short.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';
import { Adam, AdamW, type Optimizer, Parameter } from '@chainrule/nn';

type FloatDType = 'float32' | 'float64';

/** Values in [-2, 2) from `seed`, with an exact zero now and then. */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % 37 === 0 ? 0 : (s / 2 ** 32) * 4 - 2;
  });
}

/**
 * Parameters [40, 33] (the wasm kernel's size) and [3, 11] (the TypeScript loop's), trained `steps`
 * steps; `strided`: each held as the transpose of an array of the transposed shape, so that it is not
 * contiguous and the optimizer takes the unfused path.
 */
function train(dtype: FloatDType, strided: boolean, make: (ps: Tensor[]) => Optimizer, steps = 6): number[][] {
  const [rows, cols] = [40, 33];
  const held = (x: T.NDArray) => (strided ? T.getBackend().copy(x.transpose(), dtype).transpose() : x);
  const w = new Parameter(held(T.array(values(rows * cols, 1), dtype).reshape([rows, cols])));
  const bias = new Parameter(held(T.array(values(cols, 2), dtype).reshape([3, 11])));
  expect(w.value.isContiguous || bias.value.isContiguous).toBe(!strided);
  const x = new Tensor(T.array(values(7 * rows, 3), dtype).reshape([7, rows]));
  const opt = make([w, bias]);
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    x.matmul(w)
      .add(bias.reshape([cols]))
      .tanh()
      .square()
      .sum()
      .backward();
    opt.step();
  }
  return [w, bias].map((p) => Array.from(T.getBackend().copy(p.value, dtype).data));
}

describe('Adam: the fused step against the unfused ops', () => {
  const optimizers: [string, (ps: Tensor[]) => Optimizer][] = [
    ['Adam', (ps) => new Adam(ps, { lr: 0.05 })],
    ['Adam, amsgrad, L2', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true, weightDecay: 0.1, betas: [0.8, 0.95] })],
    ['AdamW, amsgrad', (ps) => new AdamW(ps, { lr: 0.02, amsgrad: true, eps: 1e-6 })],
  ];
  for (const [name, make] of optimizers) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name}, ${dtype}: contiguous (fused) and strided (unfused) parameters end bit for bit equal`, () => {
        const fused = train(dtype, false, make);
        const unfused = train(dtype, true, make);
        for (const [i, p] of fused.entries()) {
          p.forEach((v, j) => {
            if (!Object.is(v, unfused[i]![j]))
              throw new Error(`param ${i}[${j}]: ${v} fused, ${unfused[i]![j]} unfused`);
          });
        }
        // the parameters moved: the comparison is not vacuous
        expect(fused[0]!.some((v, j) => v !== train(dtype, false, make, 0)[0]![j])).toBe(true);
      });
    }
  }
});
