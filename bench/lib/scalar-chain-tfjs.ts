// tfjs's candidates of the scalar-chain benchmark (scalar-chain.ts), each built in its own child process.
import { stepsOf } from './scalar-chain-cases.js';
import { registerTfjsGradients } from './tfjs-gradients.js';
import { tf, useTfjs } from './tfjs.js';
import type { Candidate } from './timing.js';

type TfTensor = ReturnType<typeof tf.tensor>;

/** One step of each chain, in the order of SCALAR_CHAIN_CASES. */
const STEPS: readonly ((x: TfTensor, w: TfTensor, b: TfTensor) => TfTensor)[] = [
  (x, w, b) => tf.add(tf.mul(x, w), b),
  (x, w, b) => tf.tanh(tf.add(tf.mul(x, w), b)),
];

/** The tfjs-cpu candidate for SCALAR_CHAIN_CASES[index] (the factory lib/processes.ts calls in a child). */
export async function tfjsScalarChain(index: number): Promise<Candidate> {
  registerTfjsGradients();
  await useTfjs('cpu');
  const step = STEPS[index]!,
    steps = stepsOf(index);
  const x0 = tf.scalar(0.5),
    w0 = tf.scalar(0.999),
    b0 = tf.scalar(0.001);
  const grads = tf.grads((w: TfTensor, b: TfTensor): TfTensor => {
    let x: TfTensor = x0;
    for (let i = 0; i < steps; i++) x = step(x, w, b);
    return x;
  });
  return {
    fn: () =>
      tf.tidy(() => {
        const [gw, gb] = grads([w0, b0]);
        if (!Number.isFinite(gw!.dataSync()[0]! + gb!.dataSync()[0]!)) throw new Error('tfjs: non-finite gradient');
      }),
  };
}
