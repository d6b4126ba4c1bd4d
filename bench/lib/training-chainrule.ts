// The chainrule candidate of the training benchmark (training.ts), built in a child process that
// loads no other framework.
import {
  Adam,
  Conv2d,
  Flatten,
  LSTM,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  crossEntropy,
  quadraticCost,
} from '@chainrule/nn';
import { NDArray, Rng, backendInfo, wasmKernelVariant } from '@chainrule/tensor';
import { type Tensor, Tensor as CrTensor } from '@chainrule/autograd';
import type { Candidate } from './timing.js';
import { type Batches, LSTM_SHAPE, type Workload, WORKLOADS, dataOf } from './training-data.js';

/** The net of `w` as a function from a batch to logits (or activations), and its parameters. */
function netOf(w: Workload, rng: Rng): { forward: (x: Tensor) => Tensor; parameters: () => Iterable<Tensor> } {
  if (w.model === 'lenet') {
    const net = new Sequential(
      new Conv2d(1, 8, 5, { rng }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(8, 16, 5, { rng }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(256, 10, { rng }),
    );
    return { forward: (x) => net.forward(x) as Tensor, parameters: () => net.parameters() };
  }
  if (w.model === 'lstm') {
    const lstm = new LSTM(LSTM_SHAPE.input, LSTM_SHAPE.hidden, { batchFirst: true, rng });
    const head = new Linear(LSTM_SHAPE.hidden, 10, { rng });
    return {
      // the last hidden state hN [1, batch, hidden] feeds the head
      forward: (x) => head.forward(lstm.forward(x)[1][0].reshape([w.batch, LSTM_SHAPE.hidden])),
      parameters: () => [...lstm.parameters(), ...head.parameters()],
    };
  }
  const layers: Module[] = [];
  for (let i = 0; i + 1 < w.sizes.length; i++) {
    layers.push(new Linear(w.sizes[i]!, w.sizes[i + 1]!, { rng }));
    const last = i + 2 === w.sizes.length;
    if (w.activation === 'sigmoid') layers.push(new Sigmoid());
    else if (!last) layers.push(new ReLU());
  }
  const net = new Sequential(...layers);
  return { forward: (x) => net.forward(x) as Tensor, parameters: () => net.parameters() };
}

/** The input shape of one batch of `w`. */
function inputShape(w: Workload): number[] {
  if (w.model === 'lenet') return [w.batch, 1, 28, 28];
  if (w.model === 'lstm') return [w.batch, LSTM_SHAPE.steps, LSTM_SHAPE.input];
  return [w.batch, w.sizes[0]!];
}

function chainruleCandidate(w: Workload, data: Batches): Candidate {
  const net = netOf(w, new Rng(1));
  const opt =
    w.optimizer === 'adam' ? new Adam(net.parameters(), { lr: w.lr }) : new SGD(net.parameters(), { lr: w.lr });
  const xs = data.x.map((d) => new CrTensor(new NDArray(d, inputShape(w))));
  const ys =
    w.loss === 'ce'
      ? data.labels.map((d) => new CrTensor(new NDArray(d, [w.batch])))
      : data.oneHot.map((d) => new CrTensor(new NDArray(d, [w.batch, 10])));
  let step = 0;
  return {
    fn: () => {
      const i = step++ % xs.length;
      opt.zeroGrad();
      const out = net.forward(xs[i]!);
      const loss = w.loss === 'ce' ? crossEntropy(out, ys[i]!) : quadraticCost(out, ys[i]!);
      loss.backward();
      opt.step();
    },
  };
}

/**
 * The chainrule candidate for WORKLOADS[index] (the factory lib/processes.ts calls in a child);
 * `fused`: whether this child must be running the relaxed-SIMD (FMA) kernels; `blas`: whether its
 * matmuls must go through a native BLAS (the parent sets CHAINRULE_BLAS=on or off).
 */
export function chainruleTraining(index: number, fused = false, blas = false): Candidate {
  const variant = wasmKernelVariant();
  if ((variant === 'relaxed-simd') !== fused)
    throw new Error(`training-chainrule: expected the ${fused ? 'relaxed-simd' : 'simd'} kernels, got ${variant}`);
  const info = backendInfo();
  if ((info.blas !== null) !== blas)
    throw new Error(`training-chainrule: expected ${blas ? 'a' : 'no'} native BLAS, got ${JSON.stringify(info)}`);
  const w = WORKLOADS[index]!;
  return chainruleCandidate(w, dataOf(w));
}
