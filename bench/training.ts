// Training benchmarks: samples per second of full steps (forward + backward + SGD update) of three
// MLPs on real MNIST digits, chainrule against tfjs-cpu and tfjs-wasm, measured in the same run,
// interleaved. Run through run.ts (npm run bench, which builds first: chainrule is imported as the
// built packages), or alone: npx tsx training.ts
import { type Module, Linear, ReLU, SGD, Sequential, Sigmoid, crossEntropy, quadraticCost, randomPermutation } from '@chainrule/nn';
import { NDArray, Rng, getBackend } from '@chainrule/tensor';
import { type Tensor, Tensor as CrTensor } from '@chainrule/autograd';
import { loadMnist } from '@chainrule/cli/mnist';
import { type BenchSection, machine, toMarkdown } from './lib/report.js';
import { type Candidate, timeInterleaved } from './lib/timing.js';
import { tf, useTfjs } from './lib/tfjs.js';

/** One workload of the table. */
interface Workload {
  readonly label: string;
  readonly sizes: readonly number[];
  readonly activation: 'sigmoid' | 'relu';
  readonly loss: 'quadratic' | 'ce';
  readonly batch: number;
  readonly lr: number;
}

const WORKLOADS: readonly Workload[] = [
  { label: '784-30-10 sigmoid, quadratic cost, batch 10', sizes: [784, 30, 10], activation: 'sigmoid', loss: 'quadratic', batch: 10, lr: 3 },
  { label: '784-30-10 sigmoid, quadratic cost, batch 128', sizes: [784, 30, 10], activation: 'sigmoid', loss: 'quadratic', batch: 128, lr: 3 },
  { label: '784-256-256-10 ReLU, softmax cross-entropy, batch 128', sizes: [784, 256, 256, 10], activation: 'relu', loss: 'ce', batch: 128, lr: 0.1 },
];

/** Peer figures the issue sets as targets (samples/s), for the notes. */
const TARGETS = ['≥ 150k', '≥ 333k', '≥ 40k'];

/** Training data: 2,560 MNIST digits in a seeded random order, cut into batches up front. */
const SAMPLES = 2560;

interface Batches {
  readonly x: Float32Array[];
  readonly labels: Int32Array[];
  readonly oneHot: Float32Array[];
}

function batchesOf(batch: number): Batches {
  const { images, labels } = loadMnist();
  const px = images.contiguous().data as Float32Array, pl = labels.contiguous().data as Int32Array;
  const order = randomPermutation(images.shape[0]!, 7).slice(0, SAMPLES);
  const out: Batches = { x: [], labels: [], oneHot: [] };
  for (let s = 0; s + batch <= SAMPLES; s += batch) {
    const x = new Float32Array(batch * 784), y = new Int32Array(batch), h = new Float32Array(batch * 10);
    for (let r = 0; r < batch; r++) {
      const i = order[s + r]!;
      x.set(px.subarray(i * 784, (i + 1) * 784), r * 784);
      y[r] = pl[i]!;
      h[r * 10 + pl[i]!] = 1;
    }
    out.x.push(x);
    out.labels.push(y);
    out.oneHot.push(h);
  }
  return out;
}

function chainruleCandidate(w: Workload, data: Batches): Candidate {
  const layers: Module[] = [];
  const rng = new Rng(1);
  for (let i = 0; i + 1 < w.sizes.length; i++) {
    layers.push(new Linear(w.sizes[i]!, w.sizes[i + 1]!, { rng }));
    const last = i + 2 === w.sizes.length;
    if (w.activation === 'sigmoid') layers.push(new Sigmoid());
    else if (!last) layers.push(new ReLU());
  }
  const net = new Sequential(...layers);
  const opt = new SGD(net.parameters(), { lr: w.lr });
  const xs = data.x.map((d) => new CrTensor(new NDArray(d, [w.batch, w.sizes[0]!])));
  const ys = w.loss === 'ce' ? data.labels.map((d) => new CrTensor(new NDArray(d, [w.batch]))) : data.oneHot.map((d) => new CrTensor(new NDArray(d, [w.batch, 10])));
  let step = 0;
  return {
    fn: () => {
      const i = step++ % xs.length;
      opt.zeroGrad();
      const out = net.forward(xs[i]!) as Tensor;
      const loss = w.loss === 'ce' ? crossEntropy(out, ys[i]!) : quadraticCost(out, ys[i]!);
      loss.backward();
      opt.step();
    },
  };
}

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
 * Node cannot load (see scalar-chain.ts): tfjs-core 4.22's BatchMatMul, Add, Sub, Multiply, Sigmoid,
 * Relu, Square and Sum configs (src/gradients/*_grad.ts), ported onto the public API. Each is
 * registered only if missing (scalar-chain.ts registers Add and Multiply too).
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

/** Runs the training benchmark; returns its table. */
export default async function training(): Promise<BenchSection[]> {
  registerTfjsGradients();
  const rows: (string | number)[][] = [];
  const backendName = getBackend().name;
  for (const w of WORKLOADS) {
    const data = batchesOf(w.batch);
    const candidates = {
      chainrule: chainruleCandidate(w, data),
      'tfjs-cpu': await tfjsCandidate('cpu', w, data),
      'tfjs-wasm': await tfjsCandidate('wasm', w, data),
    };
    const t = await timeInterleaved(candidates, { rounds: 5, targetMs: 200, warmup: 3 });
    const sps = (name: string): number => w.batch / t[name]!;
    rows.push([w.label, sps('chainrule'), sps('tfjs-cpu'), sps('tfjs-wasm'), sps('chainrule') / sps('tfjs-cpu'), sps('chainrule') / sps('tfjs-wasm')]);
    console.log(`${w.label}: chainrule ${sps('chainrule').toFixed(0)}, tfjs-cpu ${sps('tfjs-cpu').toFixed(0)}, tfjs-wasm ${sps('tfjs-wasm').toFixed(0)} samples/s`);
  }
  return [
    {
      title: 'MLP training, float32, samples/s (forward + backward + SGD update; higher is better)',
      columns: ['workload', 'chainrule', 'tfjs-cpu', 'tfjs-wasm', 'chainrule / tfjs-cpu', 'chainrule / tfjs-wasm'],
      rows,
      notes: [
        `Real MNIST digits (the \`mnist\` package via @chainrule/cli's loadMnist), ${SAMPLES} of them in a seeded random order, cut into batches up front; each timed call is one step on the next batch.`,
        `chainrule: @chainrule/nn Sequential of Linear + Sigmoid/ReLU, quadraticCost (1/(2n) Σ‖a − y‖² against one-hot rows) or crossEntropy (int32 labels), SGD (lr 3 and 0.1); backend ${backendName}, defaults (threads as chosen automatically).`,
        'tfjs: the same nets with W as [in, out] (tfjs\'s own layout), the same losses written with tf ops (cross-entropy through tf.logSoftmax), tf.train.sgd(lr).minimize over the variables.',
        `Issue #4 targets for chainrule, in the order of the rows: ${TARGETS.join(', ')} samples/s (PyTorch measured 75k, 333k, 67k on one thread).`,
      ],
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machine());
  for (const s of await training()) console.log(`\n${toMarkdown(s)}`);
}
