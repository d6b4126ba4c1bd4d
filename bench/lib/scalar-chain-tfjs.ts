// tfjs's candidates of the scalar-chain benchmark (scalar-chain.ts), each built in its own child process.
import { stepsOf } from './scalar-chain-cases.js';
import { tf, useTfjs } from './tfjs.js';
import type { Candidate } from './timing.js';

type TfTensor = ReturnType<typeof tf.tensor>;

/**
 * tf.grads needs the gradient configs that `@tensorflow/tfjs-core/dist/register_all_gradients`
 * registers, but those files are ES modules Node cannot load (extensionless imports), and the
 * CommonJS bundle Node loads leaves them out. These are tfjs-core 4.22's Add, Multiply and Tanh
 * configs (src/gradients/*_grad.ts), ported line by line onto the public API.
 */
function registerTfjsGradients(): void {
  const { assertAndGetBroadcastShape, getReductionAxes } = tf.backend_util;
  const reduceTo = (res: TfTensor, shape: number[], out: number[]): TfTensor => {
    const axes = getReductionAxes(shape, out);
    return axes.length > 0 ? tf.reshape(tf.sum(res, axes), shape) : res;
  };
  const configs: Parameters<typeof tf.registerGradient>[0][] = [
    {
      kernelName: tf.Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return { a: () => tf.reshape(reduceTo(dy as TfTensor, a!.shape, out), a!.shape), b: () => tf.reshape(reduceTo(dy as TfTensor, b!.shape, out), b!.shape) };
      },
    },
    {
      kernelName: tf.Multiply,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return {
          a: () => reduceTo(tf.mul(dy as TfTensor, tf.cast(b!, 'float32')), a!.shape, out),
          b: () => reduceTo(tf.mul(dy as TfTensor, tf.cast(a!, 'float32')), b!.shape, out),
        };
      },
    },
    {
      kernelName: tf.Tanh,
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
        const [y] = saved as TfTensor[];
        // d tanh(x) = 1 - tanh(x)^2
        return { x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(y!)), dy as TfTensor) };
      },
    },
  ];
  for (const c of configs) if (tf.getGradient(c.kernelName) === undefined) tf.registerGradient(c);
}

/** One step of each chain, in the order of SCALAR_CHAIN_CASES. */
const STEPS: readonly ((x: TfTensor, w: TfTensor, b: TfTensor) => TfTensor)[] = [
  (x, w, b) => tf.add(tf.mul(x, w), b),
  (x, w, b) => tf.tanh(tf.add(tf.mul(x, w), b)),
];

/** The tfjs-cpu candidate for SCALAR_CHAIN_CASES[index] (the factory lib/processes.ts calls in a child). */
export async function tfjsScalarChain(index: number): Promise<Candidate> {
  registerTfjsGradients();
  await useTfjs('cpu');
  const step = STEPS[index]!, steps = stepsOf(index);
  const x0 = tf.scalar(0.5), w0 = tf.scalar(0.999), b0 = tf.scalar(0.001);
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
