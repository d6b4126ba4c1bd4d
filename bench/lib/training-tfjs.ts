// The tfjs candidates of the training benchmark (training.ts), each built in its own child process.
import { Rng } from '@chainrule/tensor';
import type { Candidate } from './timing.js';
import { registerTfjsGradients } from './tfjs-gradients.js';
import { tf, useTfjs } from './tfjs.js';
import { type Batches, type Workload, WORKLOADS, batchesOf } from './training-data.js';

type TfTensor = ReturnType<typeof tf.tensor>;

async function tfjsCandidate(backend: 'cpu' | 'wasm', w: Workload, data: Batches): Promise<Candidate> {
  await useTfjs(backend);
  const rng = new Rng(1);
  const vars: { w: ReturnType<typeof tf.variable>; b: ReturnType<typeof tf.variable> }[] = [];
  for (let i = 0; i + 1 < w.sizes.length; i++) {
    const fanIn = w.sizes[i]!,
      fanOut = w.sizes[i + 1]!,
      bound = 1 / Math.sqrt(fanIn);
    const wd = Float32Array.from({ length: fanIn * fanOut }, () => (rng.uniform() * 2 - 1) * bound);
    const bd = Float32Array.from({ length: fanOut }, () => (rng.uniform() * 2 - 1) * bound);
    // tfjs's own idiom: W is [in, out] and y = x·W + b
    vars.push({ w: tf.variable(tf.tensor2d(wd, [fanIn, fanOut])), b: tf.variable(tf.tensor1d(bd)) });
  }
  const xs = data.x.map((d) => tf.tensor2d(d, [w.batch, w.sizes[0]!]));
  const ys = data.oneHot.map((d) => tf.tensor2d(d, [w.batch, 10]));
  const opt = tf.train.sgd(w.lr);
  const varList = vars.flatMap((v) => [v.w, v.b]);
  const forward = (x: TfTensor): TfTensor => {
    let h = x;
    vars.forEach((v, i) => {
      h = tf.add(tf.matMul(h, v.w), v.b);
      const last = i + 1 === vars.length;
      if (w.activation === 'sigmoid') h = tf.sigmoid(h);
      else if (!last) h = tf.relu(h);
    });
    return h;
  };
  const lossOf = (x: TfTensor, y: TfTensor): TfTensor => {
    const out = forward(x);
    // quadratic: 1/(2n) Σ‖a − y‖²; ce: −1/n Σ y·logsoftmax(z)
    return w.loss === 'ce'
      ? tf.mul(tf.sum(tf.mul(y, tf.logSoftmax(out))), -1 / w.batch)
      : tf.mul(tf.sum(tf.square(tf.sub(out, y))), 1 / (2 * w.batch));
  };
  let step = 0;
  return {
    before: () => useTfjs(backend),
    fn: () => {
      const i = step++ % xs.length;
      opt.minimize(() => lossOf(xs[i]!, ys[i]!) as ReturnType<typeof tf.scalar>, false, varList);
    },
  };
}

/** The tfjs candidate on `backend` for WORKLOADS[index] (the factory lib/processes.ts calls in a child). */
export async function tfjsTraining(backend: 'cpu' | 'wasm', index: number): Promise<Candidate> {
  registerTfjsGradients();
  const w = WORKLOADS[index]!;
  return tfjsCandidate(backend, w, batchesOf(w.batch));
}
