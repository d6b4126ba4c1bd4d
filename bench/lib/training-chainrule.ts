// The chainrule candidate of the training benchmark (training.ts), built in a child process that
// loads no other framework.
import {
  Adam,
  Conv2d,
  Flatten,
  LSTM,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  compileStep,
  crossEntropy,
  quadraticCost,
} from '@chainrule/nn';
import { NDArray, Rng, backendInfo, wasmKernelVariant } from '@chainrule/tensor';
import { type Tensor, Tensor as CrTensor } from '@chainrule/autograd';
import type { Candidate } from './timing.js';
import { type Batches, LSTM_SHAPE, type Workload, WORKLOADS, dataOf } from './training-data.js';

/** The LSTM row's net: the last hidden state hN [1, batch, hidden] feeds a linear head. */
class LstmClassifier extends Module<[Tensor], Tensor> {
  readonly lstm: LSTM;
  readonly head: Linear;
  constructor(
    rng: Rng,
    private readonly batch: number,
  ) {
    super();
    this.lstm = new LSTM(LSTM_SHAPE.input, LSTM_SHAPE.hidden, { batchFirst: true, rng });
    this.head = new Linear(LSTM_SHAPE.hidden, 10, { rng });
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.lstm.forward(x)[1][0].reshape([this.batch, LSTM_SHAPE.hidden]));
  }
}

/** The net of `w`, a module from a batch to logits (or activations). */
function netOf(w: Workload, rng: Rng): Module<[Tensor], Tensor> {
  if (w.model === 'lenet') {
    return new Sequential(
      new Conv2d(1, 8, 5, { rng }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(8, 16, 5, { rng }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(256, 10, { rng }),
    ) as Module<[Tensor], Tensor>;
  }
  if (w.model === 'lstm') return new LstmClassifier(rng, w.batch);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < w.sizes.length; i++) {
    layers.push(new Linear(w.sizes[i]!, w.sizes[i + 1]!, { rng }));
    const last = i + 2 === w.sizes.length;
    if (w.activation === 'sigmoid') layers.push(new Sigmoid());
    else if (!last) layers.push(new ReLU());
  }
  return new Sequential(...layers) as Module<[Tensor], Tensor>;
}

/** The input shape of one batch of `w`. */
function inputShape(w: Workload): number[] {
  if (w.model === 'lenet') return [w.batch, 1, 28, 28];
  if (w.model === 'lstm') return [w.batch, LSTM_SHAPE.steps, LSTM_SHAPE.input];
  return [w.batch, w.sizes[0]!];
}

function chainruleCandidate(w: Workload, data: Batches, compiled: boolean): Candidate {
  const net = netOf(w, new Rng(1));
  const opt =
    w.optimizer === 'adam' ? new Adam(net.parameters(), { lr: w.lr }) : new SGD(net.parameters(), { lr: w.lr });
  const xs = data.x.map((d) => new CrTensor(new NDArray(d, inputShape(w))));
  const ys =
    w.loss === 'ce'
      ? data.labels.map((d) => new CrTensor(new NDArray(d, [w.batch])))
      : data.oneHot.map((d) => new CrTensor(new NDArray(d, [w.batch, 10])));
  const lossFn = (out: Tensor, y: Tensor): Tensor => (w.loss === 'ce' ? crossEntropy(out, y) : quadraticCost(out, y));
  let step = 0;
  if (compiled) {
    const compiledStep = compileStep(net, lossFn, opt);
    return {
      fn: () => {
        const i = step++ % xs.length;
        compiledStep(xs[i]!, ys[i]!);
      },
    };
  }
  return {
    fn: () => {
      const i = step++ % xs.length;
      opt.zeroGrad();
      const loss = lossFn(net.forward(xs[i]!), ys[i]!);
      loss.backward();
      opt.step();
    },
  };
}

/**
 * The chainrule candidate for WORKLOADS[index] (the factory lib/processes.ts calls in a child);
 * `fused`: whether this child must be running the relaxed-SIMD (FMA) kernels; `blas`: whether its
 * matmuls must go through a native BLAS (the parent sets CHAINRULE_BLAS=on or off); `compiled`:
 * whether the step runs through `compileStep`.
 */
export function chainruleTraining(index: number, fused = false, blas = false, compiled = false): Candidate {
  const variant = wasmKernelVariant();
  if ((variant === 'relaxed-simd') !== fused)
    throw new Error(`training-chainrule: expected the ${fused ? 'relaxed-simd' : 'simd'} kernels, got ${variant}`);
  const info = backendInfo();
  if ((info.blas !== null) !== blas)
    throw new Error(`training-chainrule: expected ${blas ? 'a' : 'no'} native BLAS, got ${JSON.stringify(info)}`);
  const w = WORKLOADS[index]!;
  return chainruleCandidate(w, dataOf(w), compiled);
}
