// The tfjs candidates of the training benchmark (training.ts), each built in its own child process.
import { Rng } from '@chainrule/tensor';
import type { Candidate } from './timing.js';
import { tf, useTfjs } from './tfjs.js';
import { type Batches, type Workload, WORKLOADS, batchesOf } from './training-data.js';

type TfTensor = ReturnType<typeof tf.tensor>;

async function tfjsCandidate(backend: 'cpu' | 'wasm', w: Workload, data: Batches): Promise<Candidate> {
  await useTfjs(backend);
  const rng = new Rng(1);
  const vars: { w: ReturnType<typeof tf.variable>; b: ReturnType<typeof tf.variable> }[] = [];
  for (let i = 0; i + 1 < w.sizes.length; i++) {
    const fanIn = w.sizes[i]!, fanOut = w.sizes[i + 1]!, bound = 1 / Math.sqrt(fanIn);
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
    return w.loss === 'ce' ? tf.mul(tf.sum(tf.mul(y, tf.logSoftmax(out))), -1 / w.batch) : tf.mul(tf.sum(tf.square(tf.sub(out, y))), 1 / (2 * w.batch));
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

/**
 * The gradient configs tfjs's optimizers need, which `register_all_gradients` would register but
 * Node cannot load (see lib/scalar-chain-tfjs.ts): tfjs-core 4.22's BatchMatMul, Add, Sub, Multiply, Sigmoid,
 * Relu, Square and Sum configs (src/gradients/*_grad.ts), ported onto the public API. Each is
 * registered only if missing.
 */
function registerTfjsGradients(): void {
  const { assertAndGetBroadcastShape, getReductionAxes } = tf.backend_util;
  const reduceTo = (res: TfTensor, shape: number[], out: number[]): TfTensor => {
    const axes = getReductionAxes(shape, out);
    return tf.reshape(axes.length > 0 ? tf.sum(res, axes) : res, shape);
  };
  const configs: Parameters<typeof tf.registerGradient>[0][] = [
    {
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
        const [a, b] = saved as TfTensor[];
        const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
        const d = dy as TfTensor;
        if (!transposeA && !transposeB) return { a: () => tf.matMul(d, b!, false, true), b: () => tf.matMul(a!, d, true, false) };
        if (!transposeA && transposeB) return { a: () => tf.matMul(d, b!, false, false), b: () => tf.matMul(d, a!, true, false) };
        if (transposeA && !transposeB) return { a: () => tf.matMul(b!, d, false, true), b: () => tf.matMul(a!, d, false, false) };
        return { a: () => tf.matMul(b!, d, true, true), b: () => tf.matMul(d, a!, true, true) };
      },
    },
    {
      kernelName: tf.Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return { a: () => reduceTo(dy as TfTensor, a!.shape, out), b: () => reduceTo(dy as TfTensor, b!.shape, out) };
      },
    },
    {
      kernelName: tf.Sub,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as TfTensor[];
        const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
        return { a: () => reduceTo(dy as TfTensor, a!.shape, out), b: () => tf.neg(reduceTo(dy as TfTensor, b!.shape, out)) };
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
      kernelName: tf.Sigmoid,
      outputsToSave: [true],
      gradFunc: (dy, saved) => {
        const [y] = saved as TfTensor[];
        return { x: () => tf.mul(dy as TfTensor, tf.mul(y!, tf.sub(tf.scalar(1), y!))) };
      },
    },
    {
      kernelName: tf.Relu,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as TfTensor[];
        return { x: () => tf.mul(dy as TfTensor, tf.step(tf.cast(x!, 'float32'))) };
      },
    },
    {
      kernelName: tf.Square,
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const [x] = saved as TfTensor[];
        return { x: () => tf.mul(dy as TfTensor, tf.mul(tf.cast(x!, 'float32'), 2)) };
      },
    },
    {
      kernelName: tf.Sum,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as TfTensor[];
        const expandedShape = x!.shape.slice();
        const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x!.shape);
        for (const a of axes) expandedShape[a] = 1;
        return { x: () => tf.mul(tf.reshape(dy as TfTensor, expandedShape), tf.ones(x!.shape, 'float32')) };
      },
    },
  ];
  for (const c of configs) if (tf.getGradient(c.kernelName) === undefined) tf.registerGradient(c);
}

/** The tfjs candidate on `backend` for WORKLOADS[index] (the factory lib/processes.ts calls in a child). */
export async function tfjsTraining(backend: 'cpu' | 'wasm', index: number): Promise<Candidate> {
  registerTfjsGradients();
  const w = WORKLOADS[index]!;
  return tfjsCandidate(backend, w, batchesOf(w.batch));
}
