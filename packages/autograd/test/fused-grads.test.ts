// The one-pass activation gradients of the usual backward (ops/fused-grads.ts) against the
// composed rules they stand for: identical gradients and identical parameters after SGD steps of
// small sigmoid, tanh and ReLU MLPs (float32 and float64, TypeScript and WebAssembly backends, layers
// above the wasm kernels' minimum size); a recorded backward still composes (and differentiates again).
import { describe, expect, it } from 'vitest';
import {
  Tensor,
  add,
  gradgradcheck,
  matmul,
  mean,
  mT,
  noGrad,
  relu,
  runBackward,
  sigmoid,
  square,
  sub,
  tanh,
  tensor,
} from '../src/index.js';
import { Rng } from '@chainrule/tensor';
import { BACKENDS, withBackend } from './helpers/backends.js';
import { type FloatDType, randomArray } from './helpers/arrays.js';

type Activation = 'sigmoid' | 'tanh' | 'relu';

const ACTIVATIONS: Record<Activation, (x: Tensor) => Tensor> = { sigmoid, tanh, relu };

/** Element values (−0 and NaN kept as they are, so toEqual compares bits up to NaN payloads). */
function values(t: Tensor): number[] {
  const c = t.value.contiguous();
  return Array.from((c.data as Float32Array | Float64Array).subarray(c.offset, c.offset + c.size));
}

/**
 * A few SGD steps of a 40-30-20-10 MLP (batch 24: hidden layers of 720 and 480 elements, on both
 * sides of the wasm kernels' 512), quadratic cost, with `act` between the layers (x·Wᵀ + b, as nn's
 * Linear). `recorded`: backward with createGraph, so the composed rules run instead of the fused
 * ones. Returns every parameter's values before and after the steps.
 */
function trainedParameters(
  act: Activation,
  dtype: FloatDType,
  recorded: boolean,
): { before: number[][]; after: number[][] } {
  const rng = new Rng(7);
  const sizes = [40, 30, 20, 10];
  const params: Tensor[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    params.push(new Tensor(randomArray([sizes[i + 1]!, sizes[i]!], dtype, rng, 0.4), { requiresGrad: true }));
    params.push(new Tensor(randomArray([sizes[i + 1]!], dtype, rng, 0.1), { requiresGrad: true }));
  }
  const x = new Tensor(randomArray([24, 40], dtype, rng, 1));
  const y = new Tensor(randomArray([24, 10], dtype, rng, 1));
  const before = params.map(values);
  for (let step = 0; step < 4; step++) {
    let h = x;
    for (let l = 0; l < 3; l++) h = ACTIVATIONS[act](add(matmul(h, mT(params[2 * l]!)), params[2 * l + 1]!));
    mean(square(sub(h, y))).backward(undefined, { createGraph: recorded });
    noGrad(() => {
      for (const p of params) {
        p.subInPlace(p.grad!.mul(0.5));
        p.zeroGrad();
      }
    });
  }
  return { before, after: params.map(values) };
}

describe('fused activation gradients', () => {
  for (const [name, backend] of BACKENDS) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const act of ['sigmoid', 'tanh', 'relu'] as const) {
        it(`${name} ${dtype} ${act}: SGD steps give the parameters the composed rules give, bit for bit`, () => {
          const fused = withBackend(backend, () => trainedParameters(act, dtype, false));
          // a recorded backward (createGraph) runs the composed rules
          const composed = withBackend(backend, () => trainedParameters(act, dtype, true));
          expect(fused.after).toEqual(composed.after);
          // the steps moved every parameter (so the comparison above compared gradients, not nothing)
          fused.after.forEach((p, i) => {
            expect(p).not.toEqual(fused.before[i]);
          });
        });
      }
    }
  }

  it('gives the composed gradient with special values (NaN, ±0, ±Inf) in g and in the saved value', () => {
    const specials = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, 1e-40];
    for (const act of ['sigmoid', 'tanh', 'relu'] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        const gv: number[] = [],
          xv: number[] = [];
        for (const a of specials)
          for (const b of specials) {
            gv.push(a);
            xv.push(b);
          }
        const run = (recorded: boolean): number[] => {
          const x = tensor(xv, { dtype, requiresGrad: true });
          const [gx] = runBackward([ACTIVATIONS[act](x)], [tensor(gv, { dtype })], {
            targets: [x],
            createGraph: recorded,
          });
          return values(gx!);
        };
        expect(run(false)).toEqual(run(true)); // fused vs composed (recorded) rule
      }
    }
  });

  it(
    'composes while the backward is recorded: createGraph gives the same first gradient, ' +
      'and it differentiates again',
    () => {
      for (const act of ['sigmoid', 'tanh'] as const) {
        const x = tensor([-1.5, -0.2, 0.3, 2], { dtype: 'float64', requiresGrad: true });
        const g = tensor([1, -2, 0.5, 3], { dtype: 'float64' });
        const [plain] = runBackward([ACTIVATIONS[act](x)], [g], { targets: [x] });
        const [recorded] = runBackward([ACTIVATIONS[act](x)], [g], { targets: [x], createGraph: true });
        expect(recorded!.requiresGrad).toBe(true); // a graph: the composed rule ran
        expect(plain!.requiresGrad).toBe(false);
        expect(values(recorded!)).toEqual(values(plain!));
        expect(gradgradcheck((t) => ACTIVATIONS[act](t), [x]).ok).toBe(true);
      }
    },
  );
});

describe('rules skip gradients no input needs', () => {
  it('sub sends nothing to a second operand that does not require grad (the loss target)', () => {
    const pred = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const target = tensor([0, 5, 1], { dtype: 'float64' });
    const steps: (Tensor | null)[][] = [];
    runBackward([sub(pred, target)], [tensor([1, 1, 1], { dtype: 'float64' })], {
      trace: (s) => steps.push([...s.gradInputs]),
    });
    expect(steps).toHaveLength(1);
    expect(values(steps[0]![0]!)).toEqual([1, 1, 1]);
    expect(steps[0]![1]).toBe(null);
    // and a second operand that requires grad gets −g
    const t2 = tensor([0, 5, 1], { dtype: 'float64', requiresGrad: true });
    sub(pred, t2).sum().backward();
    expect(values(t2.grad!)).toEqual([-1, -1, -1]);
  });
});
