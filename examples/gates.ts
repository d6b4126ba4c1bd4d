/**
 * Logic gates as neurons, from the notes.
 * 1. Perceptrons with hand-set weights and a binary step: AND, OR, and NOT-x-or-NOT-y (NAND).
 * 2. The XOR cascade of sigmoid units: h1 = σ(20x + 20y - 10) (OR), h2 = σ(-20x - 20y + 30) (NAND),
 *    out = σ(20·h1 + 20·h2 - 30) (AND of the two): a single layer cannot do XOR, two can.
 * 3. XOR learned from its truth table by a 2-2-1 sigmoid MLP, built from raw ops and trained by
 *    full-batch gradient descent on the quadratic cost.
 *
 * Run: npx tsx examples/gates.ts
 */
import { type Tensor, noGrad, randn, tensor } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';

/** The four input pairs (x, y) of a truth table, as a [4, 2] tensor. */
export const INPUTS = tensor(
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  { dtype: 'float64' },
);

/** A perceptron: step(w·x + b), 1 where the weighted sum is positive. */
export function perceptron(weights: [number, number], bias: number): number[] {
  const w = tensor(weights, { dtype: 'float64' });
  return INPUTS.matmul(w).add(bias).gt(0).cast('float64').toArray() as number[];
}

export const GATES = {
  AND: perceptron([1, 1], -1.5),
  OR: perceptron([1, 1], -0.5),
  'NOT x OR NOT y': perceptron([-1, -1], 1.5),
};

/** The notes' sigmoid cascade for XOR: hidden OR and NAND units, then an AND unit. */
export function xorCascade(): { h1: number[]; h2: number[]; out: number[] } {
  const x = INPUTS.select(1, 0),
    y = INPUTS.select(1, 1);
  const h1 = x.mul(20).add(y.mul(20)).sub(10).sigmoid();
  const h2 = x.mul(-20).sub(y.mul(20)).add(30).sigmoid();
  const out = h1.mul(20).add(h2.mul(20)).sub(30).sigmoid();
  return { h1: h1.toArray() as number[], h2: h2.toArray() as number[], out: out.toArray() as number[] };
}

export interface XorTraining {
  outputs: number[];
  lossHistory: number[];
  epochs: number;
}

/** Trains a 2-2-1 sigmoid MLP on XOR with the quadratic cost C = 1/(2n) Σ (t - a)². */
export function learnXor(seed = 3, epochs = 3000, learningRate = 2): XorTraining {
  const rng = new Rng(seed);
  const p = { requiresGrad: true, dtype: 'float64' as const, rng };
  const W1 = randn([2, 2], p),
    b1 = randn([2], p),
    W2 = randn([2, 1], p),
    b2 = randn([1], p);
  const params: Tensor[] = [W1, b1, W2, b2];
  const targets = tensor([[0], [1], [1], [0]], { dtype: 'float64' });
  const forward = (x: Tensor): Tensor => x.matmul(W1).add(b1).sigmoid().matmul(W2).add(b2).sigmoid();
  const lossHistory: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const a = forward(INPUTS);
    const loss = targets
      .sub(a)
      .square()
      .sum()
      .div(2 * 4);
    loss.backward();
    noGrad(() => {
      for (const w of params) {
        w.subInPlace(w.grad!.mul(learningRate));
        w.zeroGrad();
      }
    });
    lossHistory.push(loss.item());
  }
  const outputs = noGrad(() => forward(INPUTS)).toArray() as number[][];
  return { outputs: outputs.map((r) => r[0]!), lossHistory, epochs };
}

if (isMain(import.meta.url)) {
  const fmt = (v: number): string => v.toFixed(4);
  console.log('x y | AND OR NAND   (perceptrons with a step)');
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].forEach(([x, y], i) => {
    console.log(`${x} ${y} |  ${GATES.AND[i]}   ${GATES.OR[i]}   ${GATES['NOT x OR NOT y'][i]}`);
  });
  const c = xorCascade();
  console.log('\nXOR cascade: h1 = σ(20x+20y-10), h2 = σ(-20x-20y+30), out = σ(20h1+20h2-30)');
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].forEach(([x, y], i) => {
    console.log(`${x} ${y} | h1 ${fmt(c.h1[i]!)}  h2 ${fmt(c.h2[i]!)}  out ${fmt(c.out[i]!)}`);
  });
  const t = learnXor();
  console.log(`\nXOR learned by a 2-2-1 sigmoid MLP (${t.epochs} epochs of gradient descent, lr 2)`);
  console.log(`cost: first ${fmt(t.lossHistory[0]!)}, last ${fmt(t.lossHistory.at(-1)!)}`);
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ].forEach(([x, y], i) => {
    console.log(`${x} ${y} -> ${fmt(t.outputs[i]!)}`);
  });
}
