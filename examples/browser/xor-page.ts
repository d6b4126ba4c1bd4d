/**
 * The XOR part of the browser page (examples/browser/page.ts): trains XOR with @chainrule/nn on
 * whatever backend the import chose.
 */
import { tensor } from '@chainrule/autograd';
import { Linear, SGD, Sequential, Sigmoid, compileStep, mseLoss } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';

export interface XorResult {
  outputs: number[];
  loss: number;
  ms: number;
  /** The same training through `compileStep`: its final loss (equal to `loss`, bit for bit) and replays. */
  compiled: { loss: number; replayed: number; ms: number };
}

/** 3000 SGD steps of a 2-2-1 sigmoid net on the four XOR points, eagerly and compiled. */
export function trainXor(): XorResult {
  const eager = train(false);
  const compiled = train(true);
  return { ...eager, compiled: { loss: compiled.loss, replayed: compiled.replayed, ms: compiled.ms } };
}

function train(compiled: boolean): Omit<XorResult, 'compiled'> & { replayed: number } {
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
  const step = compileStep(model, mseLoss, opt);
  const started = Date.now();
  let loss = Number.NaN;
  for (let i = 0; i < 3000; i++) {
    if (compiled) {
      loss = step(x, t).loss.item();
      continue;
    }
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
    replayed: step.stats.replayed,
  };
}
