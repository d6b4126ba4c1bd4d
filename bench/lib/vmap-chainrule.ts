// chainrule's candidates of the vmap benchmark (vmap.ts), built in a child process: the same
// work done by one `vmap` call or by a JavaScript loop over the examples. Imports the autograd
// TypeScript sources, so the code measured is the one in the checkout.
import {
  Rng,
  type Tensor,
  grad,
  jacobian,
  linear,
  randn as randnTensor,
  stack,
  vmap,
} from '../../packages/autograd/src/index.js';
import type { Candidate } from './timing.js';

/** The workloads, by index: their labels for the table. */
export const VMAP_CASES: readonly string[] = [
  'per-example gradients, MLP 32-64-1, 128 examples',
  'Jacobian 64×64 of a softmax of tanh',
];

function randn(shape: number[], rng: Rng): Tensor {
  return randnTensor(shape, { rng, dtype: 'float64' });
}

/** The candidate for VMAP_CASES[index], batched by vmap (`'vmap'`) or looped (`'loop'`). */
export function chainruleVmap(index: number, mode: 'vmap' | 'loop'): Candidate {
  const rng = new Rng(14);
  if (index === 0) {
    const w1 = randn([64, 32], rng),
      b1 = randn([64], rng),
      w2 = randn([1, 64], rng);
    const xs = randn([128, 32], rng),
      ys = randn([128, 1], rng);
    const loss = (w: Tensor, x: Tensor, y: Tensor): Tensor =>
      linear(linear(x, w, b1).tanh(), w2)
        .sub(y)
        .square()
        .sum();
    const g = grad(loss);
    const run =
      mode === 'vmap'
        ? () => vmap(g, { inAxes: [null, 0, 0] })(w1, xs, ys)
        : () => stack([...Array(128).keys()].map((i) => g(w1, xs.select(0, i), ys.select(0, i))));
    return { fn: () => void run() };
  }
  const x = randn([64], rng);
  const f = (v: Tensor): Tensor => v.tanh().mul(v.sum()).softmax(0);
  const jac = jacobian(f, { vectorize: mode === 'vmap' });
  return { fn: () => void jac(x) };
}
