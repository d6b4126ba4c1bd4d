/**
 * The notes' worked example of one backpropagation step: a 3-2-1 sigmoid network, input (1, 0, 1),
 * target 1, cost E = ½(t - o)², learning rate 0.9. Autograd computes every gradient; one SGD step
 * (w ← w - η ∂E/∂w) gives the updated weights. The notes write the same update as w + η·Err·o with
 * Err = -∂E/∂(node input).
 *
 * Run: npx tsx examples/worked-example.ts
 */
import { type Tensor, noGrad, tensor } from '@chainrule/autograd';
import { isMain } from './lib/is-main.js';

/** Names of the trainable values, as the notes number the nodes (1-3 input, 4-5 hidden, 6 output). */
export const PARAMETER_NAMES = ['w14', 'w15', 'w24', 'w25', 'w34', 'w35', 'w46', 'w56', 'b4', 'b5', 'b6'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

export const INITIAL: Record<ParameterName, number> = {
  w14: 0.2,
  w15: -0.3,
  w24: 0.4,
  w25: 0.1,
  w34: -0.5,
  w35: 0.2,
  w46: -0.3,
  w56: -0.2,
  b4: -0.4,
  b5: 0.2,
  b6: 0.1,
};

/** The values the notes print, rounded as they are there. */
export const NOTES = {
  i4: -0.7,
  o4: 0.332,
  i5: 0.1,
  o5: 0.525,
  i6: -0.105,
  o6: 0.474,
  err6: 0.1311,
  err5: -0.0065,
  err4: -0.0087,
  updated: {
    w46: -0.261,
    w56: -0.138,
    b6: 0.218,
    w14: 0.192,
    w15: -0.306,
    w24: 0.4,
    w25: 0.1,
    w34: -0.508,
    w35: 0.194,
    b4: -0.408,
    b5: 0.194,
  },
} as const;

export interface WorkedExampleResult {
  nodes: { i4: number; o4: number; i5: number; o5: number; i6: number; o6: number };
  /** Err_k = -∂E/∂i_k, the notes' "error at node k". */
  errors: { err4: number; err5: number; err6: number };
  updated: Record<ParameterName, number>;
  loss: number;
}

export function workedExample(learningRate = 0.9, target = 1): WorkedExampleResult {
  const p = {} as Record<ParameterName, Tensor>;
  for (const name of PARAMETER_NAMES) {
    p[name] = tensor(INITIAL[name], { requiresGrad: true, dtype: 'float64' });
    p[name].name = name;
  }
  const [x1, x2, x3] = [1, 0, 1];
  const i4 = p.w14.mul(x1).add(p.w24.mul(x2)).add(p.w34.mul(x3)).add(p.b4).retainGrad();
  const o4 = i4.sigmoid();
  const i5 = p.w15.mul(x1).add(p.w25.mul(x2)).add(p.w35.mul(x3)).add(p.b5).retainGrad();
  const o5 = i5.sigmoid();
  const i6 = o4.mul(p.w46).add(o5.mul(p.w56)).add(p.b6).retainGrad();
  const o6 = i6.sigmoid();
  const loss = tensor(target, { dtype: 'float64' }).sub(o6).square().mul(0.5); // E = ½(t - o)²
  loss.backward();
  const updated = {} as Record<ParameterName, number>;
  noGrad(() => {
    for (const name of PARAMETER_NAMES) updated[name] = p[name].subInPlace(p[name].grad!.mul(learningRate)).item();
  });
  return {
    nodes: { i4: i4.item(), o4: o4.item(), i5: i5.item(), o5: o5.item(), i6: i6.item(), o6: o6.item() },
    errors: { err4: -i4.grad!.item(), err5: -i5.grad!.item(), err6: -i6.grad!.item() },
    updated,
    loss: loss.item(),
  };
}

if (isMain(import.meta.url)) {
  const r = workedExample();
  const row = (name: string, ours: number, notes: number): string =>
    `  ${name.padEnd(5)} ${ours.toFixed(6).padStart(10)}   ${notes.toString().padStart(7)}   ` +
    `${Math.abs(ours - notes) < 0.0015 ? 'agrees' : 'DIFFERS'}`;
  console.log('One backpropagation step, input (1, 0, 1), target 1, learning rate 0.9\n');
  console.log('         chainrule     notes');
  console.log('node inputs and outputs');
  for (const k of ['i4', 'o4', 'i5', 'o5', 'i6', 'o6'] as const) console.log(row(k, r.nodes[k], NOTES[k]));
  console.log('errors Err = -∂E/∂(node input)');
  for (const k of ['err6', 'err5', 'err4'] as const) console.log(row(k, r.errors[k], NOTES[k]));
  console.log('updated parameters (w ← w - η ∂E/∂w)');
  for (const k of PARAMETER_NAMES) console.log(row(k, r.updated[k], NOTES.updated[k]));
  console.log(`\nE = ${r.loss.toFixed(6)}`);
  console.log('Note: the notes write i6 = (0.332 × -0.3 + 0.1 × -0.2) + 0.1, but o5 is 0.525, not 0.1;');
  console.log('      their result -0.105 is what 0.525 gives, and so is ours.');
}
