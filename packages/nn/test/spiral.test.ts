import { describe, expect, it } from 'vitest';
import { Rng } from '@chainrule/tensor';
import { type Tensor, tensor } from '@chainrule/autograd';
import {
  Adam,
  DataLoader,
  Linear,
  Sequential,
  Tanh,
  TensorDataset,
  accuracy,
  crossEntropy,
  evaluate,
  fit,
} from '@chainrule/nn';

/** Two interleaved spirals: class k at angle 3π·t + kπ and radius t, with Gaussian noise. */
function spiral(perClass: number, noise: number, rng: Rng): { x: Tensor; y: Tensor } {
  const xs: number[][] = [],
    ys: number[] = [];
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < perClass; i++) {
      const t = 0.05 + (0.95 * i) / perClass;
      const angle = 3 * Math.PI * t + k * Math.PI;
      xs.push([t * Math.cos(angle) + noise * rng.normal(), t * Math.sin(angle) + noise * rng.normal()]);
      ys.push(k);
    }
  }
  return { x: tensor(xs), y: tensor(ys, { dtype: 'int32' }) };
}

describe('two-class spiral', () => {
  it('a 2-32-32-2 tanh MLP trained with fit reaches ≥ 95% accuracy on held-out points', () => {
    const rng = new Rng(2024);
    const train = spiral(200, 0.02, rng);
    const test = spiral(100, 0.02, rng);
    const net = new Sequential(
      new Linear(2, 32, { rng }),
      new Tanh(),
      new Linear(32, 32, { rng }),
      new Tanh(),
      new Linear(32, 2, { rng }),
    );
    const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 32, shuffle: true, seed: 1 });
    const history = fit(net, {
      train: loader,
      val: test,
      loss: crossEntropy,
      optimizer: new Adam(net.parameters(), { lr: 0.01 }),
      epochs: 60,
      metrics: ['accuracy'],
    });
    const finalTest = evaluate(net, test, { loss: crossEntropy, metrics: ['accuracy'] });
    expect(finalTest.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(net.forward(train.x), train.y)).toBeGreaterThanOrEqual(0.95);
    expect(history.valLoss.at(-1)!).toBeLessThan(history.valLoss[0]! / 4);
    expect(history.metrics.valAccuracy!.at(-1)).toBe(finalTest.metrics.accuracy);
  });
});
