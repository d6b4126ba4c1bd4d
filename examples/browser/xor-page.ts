/**
 * The XOR part of the browser page (examples/browser/page.ts): trains XOR with @chainrule/nn on
 * whatever backend the import chose.
 */
import { tensor } from '@chainrule/autograd';
import { Linear, SGD, Sequential, Sigmoid, mseLoss } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';

export interface XorResult {
  outputs: number[];
  loss: number;
  ms: number;
}

/** 3000 SGD steps of a 2-2-1 sigmoid net on the four XOR points. */
export function trainXor(): XorResult {
  const rng = new Rng(3);
  const model = new Sequential(new Linear(2, 2, { rng }), new Sigmoid(), new Linear(2, 1, { rng }), new Sigmoid());
  const opt = new SGD(model.parameters(), { lr: 2 });
  const x = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const t = tensor([[0], [1], [1], [0]]);
  const started = Date.now();
  let loss = Number.NaN;
  for (let i = 0; i < 3000; i++) {
    opt.zeroGrad();
    const l = mseLoss(model.forward(x), t);
    l.backward();
    opt.step();
    loss = l.item();
  }
  return {
    outputs: (model.forward(x).toArray() as number[][]).map((r) => r[0]!),
    loss,
    ms: Date.now() - started,
  };
}
