// The training benchmark's workloads and data, shared by its per-framework candidate modules
// (each loaded in its own process by lib/processes.ts).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomPermutation } from '@chainrule/nn';
import { loadMnist } from '@chainrule/cli/mnist';
import { Rng } from '@chainrule/tensor';

/**
 * One workload of the table. `model`: an MLP of `sizes` (default), LeNet on 1×28×28 digits (conv
 * 5×5×8, ReLU, max-pool 2, conv 5×5×16, ReLU, max-pool 2, linear 256→10), or an LSTM over
 * LSTM_SHAPE sequences whose last hidden state feeds a linear head 128→10.
 */
export interface Workload {
  readonly label: string;
  readonly model?: 'mlp' | 'lenet' | 'lstm';
  readonly sizes: readonly number[];
  readonly activation: 'sigmoid' | 'relu';
  readonly loss: 'quadratic' | 'ce';
  readonly batch: number;
  readonly optimizer?: 'sgd' | 'adam';
  readonly lr: number;
}

/** The LSTM row: steps, input features, hidden size (seeded random sequences, labels 0..9). */
export const LSTM_SHAPE = { steps: 32, input: 32, hidden: 128 } as const;

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
  // new rows after the first three, so that their indices stay those of older checkouts (compare.ts)
  {
    label: '784-30-10 sigmoid, softmax cross-entropy, batch 128',
    sizes: [784, 30, 10],
    activation: 'sigmoid',
    loss: 'ce',
    batch: 128,
    lr: 0.1,
  },
  {
    label: 'LeNet (conv 5×5×8, pool, conv 5×5×16, pool, 256→10), cross-entropy, Adam, batch 32',
    model: 'lenet',
    sizes: [784, 10],
    activation: 'relu',
    loss: 'ce',
    batch: 32,
    optimizer: 'adam',
    lr: 1e-3,
  },
  {
    label: 'LSTM 32→128, 32 steps, + linear 128→10, cross-entropy, Adam, batch 32',
    model: 'lstm',
    sizes: [LSTM_SHAPE.input, LSTM_SHAPE.hidden, 10],
    activation: 'relu',
    loss: 'ce',
    batch: 32,
    optimizer: 'adam',
    lr: 1e-3,
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

/** Seeded random sequences for the LSTM row: x [batch, steps, input] in [-1, 1), labels 0..9. */
function sequenceBatchesOf(batch: number): Batches {
  const rng = new Rng(11),
    per = batch * LSTM_SHAPE.steps * LSTM_SHAPE.input;
  const out: Batches = { x: [], labels: [], oneHot: [] };
  for (let s = 0; s + batch <= SAMPLES; s += batch) {
    const labels = Int32Array.from({ length: batch }, () => rng.int(0, 10));
    const h = new Float32Array(batch * 10);
    for (let r = 0; r < batch; r++) h[r * 10 + labels[r]!] = 1;
    out.x.push(Float32Array.from({ length: per }, () => rng.uniform() * 2 - 1));
    out.labels.push(labels);
    out.oneHot.push(h);
  }
  return out;
}

/** The batches of workload `w` (MNIST digits, or random sequences for the LSTM). */
export function dataOf(w: Workload): Batches {
  return w.model === 'lstm' ? sequenceBatchesOf(w.batch) : batchesOf(w.batch);
}

/**
 * Writes the batches of WORKLOADS[index] to a file for a Python peer (the same digits in the same
 * order): every batch's x (float32), then every batch's labels (int32), native byte order.
 * Returns the path and the batch count.
 */
export function writeBatchesFile(index: number): { path: string; batches: number } {
  const data = dataOf(WORKLOADS[index]!);
  const parts = [...data.x, ...data.labels].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const path = join(tmpdir(), `chainrule-bench-${process.pid}-${index}.bin`);
  writeFileSync(path, Buffer.concat(parts));
  return { path, batches: data.x.length };
}
