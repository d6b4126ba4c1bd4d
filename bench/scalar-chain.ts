// The scalar path: a chain of 10,000 ops on 0-d float32 tensors, forward and backward, in
// microseconds per op — the cost of recording and differentiating one op, with no arithmetic to
// hide it. chainrule's autograd against tfjs-cpu (tf.grads), measured in the same run, interleaved.
// Run through run.ts (npm run bench), or alone: npx tsx scalar-chain.ts
import { type Tensor, tanh, tensor } from '../packages/autograd/src/index.js';
import { type BenchSection, machine, toMarkdown } from './lib/report.js';
import { type Candidate, timeInterleaved } from './lib/timing.js';
import { tf, useTfjs } from './lib/tfjs.js';

/**
 * tf.grads needs the gradient configs that `@tensorflow/tfjs-core/dist/register_all_gradients`
 * registers, but those files are ES modules Node cannot load (extensionless imports), and the
 * CommonJS bundle Node loads leaves them out. These are tfjs-core 4.22's Add, Multiply and Tanh
 * configs (src/gradients/*_grad.ts), ported line by line onto the public API.
 */
function registerTfjsGradients(): void {
  const { assertAndGetBroadcastShape, getReductionAxes } = tf.backend_util;
  const reduceTo = (res: tf.Tensor, shape: number[], out: number[]): tf.Tensor => {
    const axes = getReductionAxes(shape, out);
    return axes.length > 0 ? tf.reshape(tf.sum(res, axes), shape) : res;
  };
  tf.registerGradient({
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as tf.Tensor[];
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return { a: () => tf.reshape(reduceTo(dy as tf.Tensor, a!.shape, out), a!.shape), b: () => tf.reshape(reduceTo(dy as tf.Tensor, b!.shape, out), b!.shape) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as tf.Tensor[];
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => reduceTo(tf.mul(dy as tf.Tensor, tf.cast(b!, 'float32')), a!.shape, out),
        b: () => reduceTo(tf.mul(dy as tf.Tensor, tf.cast(a!, 'float32')), b!.shape, out),
      };
    },
  });
  tf.registerGradient({
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as tf.Tensor[];
      return { x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(y!)), dy as tf.Tensor) };
    },
  });
}

/** Ops per chain (the brief's size); each step of a chain is 2 or 3 ops. */
const OPS = 10_000;

interface Chain {
  readonly label: string;
  /** Ops per step. */
  readonly perStep: number;
  readonly chainrule: (x: Tensor, w: Tensor, b: Tensor) => Tensor;
  readonly tfjs: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const CHAINS: readonly Chain[] = [
  {
    label: 'x = x·w + b',
    perStep: 2,
    chainrule: (x, w, b) => x.mul(w).add(b),
    tfjs: (x, w, b) => tf.add(tf.mul(x, w), b),
  },
  {
    label: 'x = tanh(x·w + b)',
    perStep: 3,
    chainrule: (x, w, b) => tanh(x.mul(w).add(b)),
    tfjs: (x, w, b) => tf.tanh(tf.add(tf.mul(x, w), b)),
  },
];

function chainruleCandidate(chain: Chain, steps: number): Candidate {
  return {
    fn: () => {
      const w = tensor(0.999, { requiresGrad: true }), b = tensor(0.001, { requiresGrad: true });
      let x = tensor(0.5);
      for (let i = 0; i < steps; i++) x = chain.chainrule(x, w, b);
      x.backward();
      if (!Number.isFinite(w.grad!.item() + b.grad!.item())) throw new Error('chainrule: non-finite gradient');
    },
  };
}

async function tfjsCandidate(chain: Chain, steps: number): Promise<Candidate> {
  await useTfjs('cpu');
  const x0 = tf.scalar(0.5), w0 = tf.scalar(0.999), b0 = tf.scalar(0.001);
  const grads = tf.grads((w: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    let x: tf.Tensor = x0;
    for (let i = 0; i < steps; i++) x = chain.tfjs(x, w, b);
    return x;
  });
  return {
    before: () => useTfjs('cpu'),
    fn: () =>
      tf.tidy(() => {
        const [gw, gb] = grads([w0, b0]);
        if (!Number.isFinite(gw!.dataSync()[0]! + gb!.dataSync()[0]!)) throw new Error('tfjs: non-finite gradient');
      }),
  };
}

/** Runs the scalar-chain benchmark; returns its table. */
export default async function scalarChain(): Promise<BenchSection[]> {
  if (tf.getGradient(tf.Add) === undefined) registerTfjsGradients();
  const rows: (string | number)[][] = [];
  for (const chain of CHAINS) {
    const steps = Math.round(OPS / chain.perStep);
    const ops = steps * chain.perStep;
    const t = await timeInterleaved({ chainrule: chainruleCandidate(chain, steps), 'tfjs-cpu': await tfjsCandidate(chain, steps) }, { rounds: 5, targetMs: 150, warmup: 2 });
    const us = (name: string): number => (t[name]! * 1e6) / ops;
    rows.push([chain.label, ops, us('chainrule'), us('tfjs-cpu'), us('tfjs-cpu') / us('chainrule')]);
    console.log(`${chain.label}: chainrule ${us('chainrule').toFixed(2)} µs/op, tfjs-cpu ${us('tfjs-cpu').toFixed(2)} µs/op`);
  }
  return [
    {
      title: 'scalar chain, forward + backward, µs per op (lower is better)',
      columns: ['chain', 'ops', 'chainrule', 'tfjs-cpu', 'speed-up vs tfjs-cpu'],
      rows,
      notes: [
        'One call builds the whole chain on 0-d float32 tensors from leaves w and b, runs backward, and reads both gradients.',
        'chainrule: `x.backward()` (an iterative engine, graph freed after use); tfjs-cpu: `tf.grads` inside `tf.tidy`.',
        'An op is one mul, add or tanh; the chain has 10,000 of them (or the nearest multiple of the step).',
      ],
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(machine());
  for (const s of await scalarChain()) console.log(`\n${toMarkdown(s)}`);
}
