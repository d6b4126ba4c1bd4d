// The training benchmark's workloads and data, shared by its per-framework candidate modules
// (each loaded in its own process by lib/processes.ts).
import { randomPermutation } from '@chainrule/nn';
import { loadMnist } from '@chainrule/cli/mnist';

/** One workload of the table. */
export interface Workload {
  readonly label: string;
  readonly sizes: readonly number[];
  readonly activation: 'sigmoid' | 'relu';
  readonly loss: 'quadratic' | 'ce';
  readonly batch: number;
  readonly lr: number;
}

export const WORKLOADS: readonly Workload[] = [
  {
    label: '784-30-10 sigmoid, quadratic cost, batch 10',
    sizes: [784, 30, 10],
    activation: 'sigmoid',
    loss: 'quadratic',
    batch: 10,
    lr: 3,
  },
  {
    label: '784-30-10 sigmoid, quadratic cost, batch 128',
    sizes: [784, 30, 10],
    activation: 'sigmoid',
    loss: 'quadratic',
    batch: 128,
    lr: 3,
  },
  {
    label: '784-256-256-10 ReLU, softmax cross-entropy, batch 128',
    sizes: [784, 256, 256, 10],
    activation: 'relu',
    loss: 'ce',
    batch: 128,
    lr: 0.1,
  },
];

/** Training data: 2,560 MNIST digits in a seeded random order, cut into batches up front. */
export const SAMPLES = 2560;

export interface Batches {
  readonly x: Float32Array[];
  readonly labels: Int32Array[];
  readonly oneHot: Float32Array[];
}

export function batchesOf(batch: number): Batches {
  const { images, labels } = loadMnist();
  const px = images.contiguous().data as Float32Array,
    pl = labels.contiguous().data as Int32Array;
  const order = randomPermutation(images.shape[0]!, 7).slice(0, SAMPLES);
  const out: Batches = { x: [], labels: [], oneHot: [] };
  for (let s = 0; s + batch <= SAMPLES; s += batch) {
    const x = new Float32Array(batch * 784),
      y = new Int32Array(batch),
      h = new Float32Array(batch * 10);
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
