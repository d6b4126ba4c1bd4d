// chainrule's candidates of the scalar-chain benchmark (scalar-chain.ts), built in a child process
// that loads no other framework. Imports the autograd TypeScript sources, so the engine measured
// is the one in the checkout.
import { type Tensor, tanh, tensor } from '../../packages/autograd/src/index.js';
import { stepsOf } from './scalar-chain-cases.js';
import type { Candidate } from './timing.js';

/** One step of each chain, in the order of SCALAR_CHAIN_CASES. */
const STEPS: readonly ((x: Tensor, w: Tensor, b: Tensor) => Tensor)[] = [
  (x, w, b) => x.mul(w).add(b),
  (x, w, b) => tanh(x.mul(w).add(b)),
];

/** The chainrule candidate for SCALAR_CHAIN_CASES[index] (the factory lib/processes.ts calls in a child). */
export function chainruleScalarChain(index: number): Candidate {
  const step = STEPS[index]!,
    steps = stepsOf(index);
  return {
    fn: () => {
      const w = tensor(0.999, { requiresGrad: true }),
        b = tensor(0.001, { requiresGrad: true });
      let x = tensor(0.5);
      for (let i = 0; i < steps; i++) x = step(x, w, b);
      x.backward();
      if (!Number.isFinite(w.grad!.item() + b.grad!.item())) throw new Error('chainrule: non-finite gradient');
    },
  };
}
