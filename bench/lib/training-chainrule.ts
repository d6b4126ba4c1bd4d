// The chainrule candidate of the training benchmark (training.ts), built in a child process that
// loads no other framework.
import { type Module, Linear, ReLU, SGD, Sequential, Sigmoid, crossEntropy, quadraticCost } from '@chainrule/nn';
import { NDArray, Rng, wasmKernelVariant } from '@chainrule/tensor';
import { type Tensor, Tensor as CrTensor } from '@chainrule/autograd';
import type { Candidate } from './timing.js';
import { type Batches, type Workload, WORKLOADS, batchesOf } from './training-data.js';

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
  const ys =
    w.loss === 'ce'
      ? data.labels.map((d) => new CrTensor(new NDArray(d, [w.batch])))
      : data.oneHot.map((d) => new CrTensor(new NDArray(d, [w.batch, 10])));
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

/**
 * The chainrule candidate for WORKLOADS[index] (the factory lib/processes.ts calls in a child);
 * `fused`: whether this child must be running the relaxed-SIMD (FMA) kernels.
 */
export function chainruleTraining(index: number, fused = false): Candidate {
  const variant = wasmKernelVariant();
  if ((variant === 'relaxed-simd') !== fused)
    throw new Error(`training-chainrule: expected the ${fused ? 'relaxed-simd' : 'simd'} kernels, got ${variant}`);
  const w = WORKLOADS[index]!;
  return chainruleCandidate(w, batchesOf(w.batch));
}
