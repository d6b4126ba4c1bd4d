// tfjs's candidates of the kernel benchmark (kernels.ts), each built in its own child process.
import { ELEMENTWISE_CASES, MATMUL_CASES, elementwiseInputs, random } from './kernel-cases.js';
import { tf, useTfjs } from './tfjs.js';
import type { Candidate } from './timing.js';

type TfTensor = ReturnType<typeof tf.tensor>;

/** A candidate that runs, reads back (dataSync) and disposes one result per call. */
function readBack(run: () => TfTensor): Candidate {
  return {
    fn: () => {
      const y = run();
      y.dataSync();
      y.dispose();
    },
  };
}

/** The matmul candidate MATMUL_CASES[index] on one tfjs backend. */
export async function tfjsMatmul(backend: 'cpu' | 'wasm', index: number): Promise<Candidate> {
  await useTfjs(backend);
  const { n, transB } = MATMUL_CASES[index]!;
  const a = tf.tensor2d(random(n * n, 1), [n, n]),
    b = tf.tensor2d(random(n * n, 2), [n, n]);
  return readBack(() => tf.matMul(a, b, false, transB));
}

/** The elementwise candidate ELEMENTWISE_CASES[index] on one tfjs backend. */
export async function tfjsElementwise(backend: 'cpu' | 'wasm', index: number): Promise<Candidate> {
  await useTfjs(backend);
  const { xd, yd, bias } = elementwiseInputs();
  // only the chosen case's tensors are made
  const makers: (() => () => TfTensor)[] = [
    () => {
      const p = tf.tensor1d(xd),
        q = tf.tensor1d(yd);
      return () => tf.add(p, q);
    },
    () => {
      const p = tf.tensor2d(xd, [1024, 1024]),
        q = tf.tensor1d(bias);
      return () => tf.add(p, q);
    },
    () => {
      const p = tf.tensor1d(xd);
      return () => tf.relu(p);
    },
    () => {
      const p = tf.tensor1d(xd);
      return () => tf.exp(p);
    },
    () => {
      const p = tf.tensor1d(xd);
      return () => tf.sigmoid(p);
    },
    () => {
      const p = tf.tensor1d(xd);
      return () => tf.tanh(p);
    },
    () => {
      const p = tf.tensor1d(xd);
      return () => tf.sum(p);
    },
    () => {
      const p = tf.tensor2d(xd, [1024, 1024]);
      return () => tf.sum(p, 0);
    },
    () => {
      const p = tf.tensor2d(xd, [1024, 1024]);
      return () => tf.argMax(p, 1);
    },
  ];
  if (makers.length !== ELEMENTWISE_CASES.length) throw new Error('kernels-tfjs: one run per elementwise case');
  return readBack(makers[index]!());
}
