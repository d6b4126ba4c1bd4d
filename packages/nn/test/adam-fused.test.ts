// Adam and AdamW update contiguous parameters with the fused step (T.adamUpdate, one pass) and any
// other parameter with the unfused ops; the two must agree bit for bit, in float32 and float64,
// with AMSGrad, L2 and decoupled weight decay, on arrays long enough for the wasm kernel and short.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Tensor, randn } from '@chainrule/autograd';
import { Adam, AdamW, Linear, type Optimizer, Parameter, Sequential, Tanh, compileStep, mseLoss } from '@chainrule/nn';

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

/** Runs `f` with the backend's adamUpdate counted (the count of fused steps it took). */
function countingFused<R>(f: () => R): [R, number] {
  const inner = T.getBackend();
  let calls = 0;
  const counting = T.composeBackend(
    {
      name: inner.name,
      adamUpdate: (...args) => {
        calls++;
        inner.adamUpdate(...args);
      },
    },
    inner,
  );
  T.setBackend(T.attachResidentMemory(counting, T.residentMemory(inner)));
  try {
    return [f(), calls];
  } finally {
    T.setBackend(inner);
  }
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
        const [fused, fusedSteps] = countingFused(() => train(dtype, false, make));
        const [unfused, unfusedSteps] = countingFused(() => train(dtype, true, make));
        expect([fusedSteps, unfusedSteps]).toEqual([12, 0]); // two parameters, six steps
        for (const [i, p] of fused.entries()) {
          p.forEach((v, j) => {
            if (!Object.is(v, unfused[i]![j]))
              throw new Error(`param ${i}[${j}]: ${v} fused, ${unfused[i]![j]} unfused`);
          });
        }
        // the parameters moved: the comparison is not vacuous
        const start = train(dtype, false, make, 0)[0]!;
        expect(fused[0]!.some((v, j) => v !== start[j])).toBe(true);
      });
    }
  }
});

describe('Adam: the fused step inside a compiled training step', () => {
  it.each([
    ['AdamW, amsgrad', (ps: Tensor[]) => new AdamW(ps, { lr: 1e-2, weightDecay: 0.1, amsgrad: true })],
    ['Adam, L2, amsgrad', (ps: Tensor[]) => new Adam(ps, { lr: 1e-2, weightDecay: 1e-2, amsgrad: true })],
  ])("%s: compiled and eager weights bit for bit (the wasm kernel on the plan's gradients)", (_name, makeOpt) => {
    T.manualSeed(3);
    const data = Array.from({ length: 3 }, () => [randn([16, 40]), randn([16, 33])] as const);
    const make = () => {
      T.manualSeed(4);
      const model = new Sequential(new Linear(40, 33), new Tanh(), new Linear(33, 33));
      return { model, opt: makeOpt(model.parameters()) };
    };
    const eager = make(),
      compiled = make();
    const [step, fused] = countingFused(() => {
      const s = compileStep(compiled.model, mseLoss, compiled.opt);
      for (let i = 0; i < 8; i++) s(...data[i % 3]!);
      return s;
    });
    expect(step.mode).toBe('whole');
    expect(fused).toBeGreaterThan(0);
    for (let i = 0; i < 8; i++) {
      const [x, y] = data[i % 3]!;
      eager.opt.zeroGrad();
      mseLoss(eager.model.forward(x), y).backward();
      eager.opt.step();
    }
    const bits = (t: Tensor) => Array.from(T.getBackend().copy(t.value, t.dtype).data);
    for (const [i, p] of compiled.model.parameters().entries())
      expect(bits(p)).toEqual(bits(eager.model.parameters()[i]!));
  });
});
