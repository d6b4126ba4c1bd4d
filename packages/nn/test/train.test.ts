import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { tensor } from '@chainrule/autograd';
import {
  type EpochLog,
  type Module,
  Linear,
  ReduceLROnPlateau,
  SGD,
  Sequential,
  Sigmoid,
  StepLR,
  accuracy,
  confusionMatrix,
  crossEntropy,
  evaluate,
  fit,
  gridSearch,
  mseLoss,
  predictedClasses,
  randomSearch,
} from '@chainrule/nn';

/** y = 2x₀ − x₁ + 0.5 plus noise. */
function linearData(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = T.randn([n, 2], { rng, dtype: 'float32' });
  const xv = x.toArray() as number[][];
  const y = T.array(xv.map(([a, b]) => [2 * a! - b! + 0.5 + 0.01 * rng.normal()]));
  return { x, y };
}

const weightsOf = (m: Module) => [...m.stateDict()].map(([k, v]) => [k, v.toArray()]);

describe('metrics', () => {
  it('accuracy and predictedClasses from scores, binary outputs, one-hot targets', () => {
    const scores = tensor([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 5],
      [4, 0, 0],
    ]);
    const labels = tensor([0, 1, 1, 2], { dtype: 'int32' });
    expect(Array.from(predictedClasses(scores))).toEqual([0, 1, 2, 0]);
    expect(accuracy(scores, labels)).toBe(0.5);
    expect(
      accuracy(
        scores,
        tensor([
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 0, 0],
        ]),
      ),
    ).toBe(1);
    expect(accuracy(tensor([[0.9], [0.2], [0.6]]), tensor([[1], [0], [0]]))).toBeCloseTo(2 / 3, 15);
    expect(accuracy(tensor([1.5, -0.2]), tensor([1, 0]), { threshold: 0 })).toBe(1);
    expect(() => accuracy(scores, tensor([0, 1], { dtype: 'int32' }))).toThrow('accuracy: 4 predictions for 2 targets');
  });

  it('confusionMatrix counts true class by predicted class', () => {
    const scores = tensor([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 5],
      [4, 0, 0],
      [0, 0, 1],
    ]);
    const labels = tensor([0, 1, 1, 2, 2], { dtype: 'int32' });
    expect(confusionMatrix(scores, labels, 3)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(() => confusionMatrix(scores, labels, 2)).toThrow(/out of range for 2 classes/);
  });
});

describe('fit and evaluate', () => {
  it('trains on whole arrays in batches, records history, and calls every callback', () => {
    const data = linearData(64, 1);
    const net = new Linear(2, 1, { rng: new Rng(3) });
    const calls = { start: 0, batch: 0, end: 0 };
    const batchLosses: number[] = [];
    const history = fit(net, {
      train: data,
      val: linearData(32, 2),
      loss: mseLoss,
      optimizer: new SGD(net.parameters(), { lr: 0.1 }),
      epochs: 12,
      batchSize: 16,
      seed: 4,
      callbacks: {
        onEpochStart: () => {
          calls.start++;
        },
        onBatchEnd: (b) => {
          calls.batch++;
          batchLosses.push(b.loss);
          expect(b.batches).toBe(4);
          expect(b.samples).toBe(16);
        },
        onEpochEnd: () => {
          calls.end++;
        },
      },
    });
    expect(calls).toEqual({ start: 12, batch: 48, end: 12 });
    expect(history.trainLoss.length).toBe(12);
    expect(history.valLoss.length).toBe(12);
    expect(history.trainLoss.at(-1)!).toBeLessThan(0.01);
    expect(history.trainLoss[0]!).toBeGreaterThan(10 * history.trainLoss.at(-1)!);
    // the epoch's train loss is the sample-weighted mean of its batch losses
    expect(history.trainLoss[0]).toBeCloseTo(batchLosses.slice(0, 4).reduce((a, b) => a + b, 0) / 4, 6);
    const w = net.weight.toArray() as number[][];
    expect(Math.abs(w[0]![0]! - 2)).toBeLessThan(0.1);
    expect(Math.abs(w[0]![1]! + 1)).toBeLessThan(0.1);
    // evaluate agrees with the last validation loss and leaves the mode as it was
    net.train();
    const r = evaluate(net, linearData(32, 2), { loss: mseLoss });
    expect(r.loss).toBeCloseTo(history.valLoss.at(-1)!, 6);
    expect(net.training).toBe(true);
  });

  it('accepts any iterable of [x, y] batches and reports metrics', () => {
    const xs = T.array([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const ys = T.array([0, 1, 1, 1], 'int32');
    const batches: [T.NDArray, T.NDArray][] = [[xs, ys]];
    const net = new Linear(2, 2, { rng: new Rng(5) });
    const history = fit(net, {
      train: batches,
      val: batches,
      loss: crossEntropy,
      optimizer: new SGD(net.parameters(), { lr: 0.5 }),
      epochs: 200,
      metrics: ['accuracy'],
    });
    expect(history.metrics.trainAccuracy!.length).toBe(200);
    expect(history.metrics.valAccuracy!.at(-1)).toBe(1);
    expect(evaluate(net, batches, { metrics: { correct: (p, t) => accuracy(p, t) * 4 } }).metrics.correct).toBe(4);
  });

  it('stops early after `patience` epochs without improvement and can restore the best weights', () => {
    const data = linearData(32, 6);
    const net = new Linear(2, 1, { rng: new Rng(7) });
    // a learning rate that diverges after the first epochs: the validation loss stops improving
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    const snapshots: ReturnType<typeof weightsOf>[] = [];
    const history = fit(net, {
      train: data,
      val: data,
      loss: mseLoss,
      optimizer: opt,
      epochs: 50,
      shuffle: false,
      earlyStopping: { patience: 2, restoreBestWeights: true },
      callbacks: {
        onEpochEnd: (log: EpochLog) => {
          snapshots.push(weightsOf(net));
          if (log.epoch === 3) opt.paramGroups[0]!.lr = 3;
        },
      },
    });
    expect(history.stoppedEarly).toBe(true);
    const best = history.valLoss.indexOf(Math.min(...history.valLoss));
    expect(history.bestEpoch).toBe(best);
    expect(history.valLoss.length).toBe(best + 3); // the best epoch, then `patience` worse ones
    expect(weightsOf(net)).toEqual(snapshots[best]);
    expect(weightsOf(net)).not.toEqual(snapshots.at(-1));
  });

  it('early stopping can monitor an accuracy (higher is better); a missing monitor is an error', () => {
    const batches: [T.NDArray, T.NDArray][] = [[T.array([[0], [1]]), T.array([0, 1], 'int32')]];
    const net = new Linear(1, 2, { rng: new Rng(1) });
    const h = fit(net, {
      train: batches,
      val: batches,
      loss: crossEntropy,
      optimizer: new SGD(net.parameters(), { lr: 0.5 }),
      epochs: 100,
      metrics: ['accuracy'],
      earlyStopping: { patience: 3, monitor: 'valAccuracy' },
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.metrics.valAccuracy![h.bestEpoch]).toBe(1);
    expect(() =>
      fit(net, {
        train: batches,
        loss: crossEntropy,
        optimizer: new SGD(net.parameters(), { lr: 0.1 }),
        epochs: 1,
        earlyStopping: { patience: 1, monitor: 'valLoss' },
      }),
    ).toThrow(/monitors "valLoss"/);
  });

  it('steps a scheduler once per epoch, and a plateau scheduler with the monitored loss', () => {
    const data = linearData(16, 8);
    const net = new Linear(2, 1);
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    const h = fit(net, {
      train: data,
      loss: mseLoss,
      optimizer: opt,
      epochs: 5,
      scheduler: new StepLR(opt, { stepSize: 2, gamma: 0.5 }),
    });
    expect(h.epochs.map((e) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const opt2 = new SGD(net.parameters(), { lr: 0.2 });
    const plateau = new ReduceLROnPlateau(opt2, { patience: 1, factor: 0.5 });
    fit(net, {
      train: data,
      loss: (p, t) => mseLoss(p, t).mul(0).add(1),
      optimizer: opt2,
      epochs: 4,
      scheduler: plateau,
    });
    // constant loss 1: improves once (from ∞), then two bad epochs → one reduction
    expect(opt2.paramGroups[0]!.lr).toBe(0.1);
  });
});

describe('schedulers', () => {
  it('StepLR, ExponentialLR and CosineAnnealingLR follow their formulas', async () => {
    const { ExponentialLR, CosineAnnealingLR } = await import('@chainrule/nn');
    const p = new Linear(1, 1).parameters();
    const a = new SGD(p, { lr: 1 }),
      b = new SGD(p, { lr: 1 }),
      c = new SGD(p, { lr: 1 });
    const step = new StepLR(a, { stepSize: 3, gamma: 0.1 }),
      exp = new ExponentialLR(b, { gamma: 0.9 }),
      cos = new CosineAnnealingLR(c, { tMax: 4, etaMin: 0.2 });
    const seen: number[][] = [];
    for (let e = 1; e <= 6; e++) {
      step.step();
      exp.step();
      cos.step();
      seen.push([a.paramGroups[0]!.lr, b.paramGroups[0]!.lr, c.paramGroups[0]!.lr]);
    }
    seen.forEach(([s, x, k], i) => {
      const e = i + 1;
      expect(s).toBeCloseTo(0.1 ** Math.floor(e / 3), 15);
      expect(x).toBeCloseTo(0.9 ** e, 15);
      expect(k).toBeCloseTo(0.2 + (0.8 * (1 + Math.cos((Math.PI * e) / 4))) / 2, 15);
    });
    expect(seen[3]![2]).toBeCloseTo(0.2, 15);
    const restored = new StepLR(new SGD(p, { lr: 1 }), { stepSize: 3, gamma: 0.1 });
    restored.loadStateDict(step.stateDict());
    expect(restored.getLastLr()).toEqual(step.getLastLr());
  });

  it('ReduceLROnPlateau waits `patience` bad epochs, honours cooldown and minLr', () => {
    const opt = new SGD(new Linear(1, 1).parameters(), { lr: 1 });
    const s = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, cooldown: 1, minLr: 0.3 });
    const lrs = [5, 4, 4, 4, 4, 4, 4, 4, 4].map((v) => {
      s.step(v);
      return opt.paramGroups[0]!.lr;
    });
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.3]);
  });
});

describe('hyperparameter search', () => {
  it('gridSearch tries every combination and sorts the trials best first', () => {
    const seen: string[] = [];
    const trials = gridSearch({ lr: [0.1, 1, 10], hidden: [4, 8] }, ({ lr, hidden }) => {
      seen.push(`${lr}/${hidden}`);
      return -Math.abs(Math.log10(lr)) + hidden / 100;
    });
    expect(seen).toEqual(['0.1/4', '0.1/8', '1/4', '1/8', '10/4', '10/8']);
    expect(trials.map((t) => t.params)).toEqual([
      { lr: 1, hidden: 8 },
      { lr: 1, hidden: 4 },
      { lr: 0.1, hidden: 8 },
      { lr: 10, hidden: 8 },
      { lr: 0.1, hidden: 4 },
      { lr: 10, hidden: 4 },
    ]);
    const asLoss = gridSearch({ a: [3, 1, 2] }, ({ a }) => ({ score: a, extra: a * 2 }), { mode: 'min' });
    expect(asLoss.map((t) => t.score)).toEqual([1, 2, 3]);
    expect(asLoss[0]!.result).toEqual({ score: 1, extra: 2 });
  });

  it('randomSearch draws from lists and ranges with a seeded generator', () => {
    const space = {
      lr: { logUniform: [1e-4, 1e-1] as const },
      units: { int: [2, 5] as const },
      act: ['relu', 'tanh'],
      dropout: { uniform: [0, 0.5] as const },
    };
    const run = () => randomSearch(space, 20, (p) => p.units - p.lr, new Rng(3));
    const trials = run();
    expect(trials.length).toBe(20);
    for (const { params } of trials) {
      expect(params.lr).toBeGreaterThanOrEqual(1e-4);
      expect(params.lr).toBeLessThan(1e-1);
      expect([2, 3, 4, 5]).toContain(params.units);
      expect(['relu', 'tanh']).toContain(params.act);
      expect(params.dropout).toBeGreaterThanOrEqual(0);
      expect(params.dropout).toBeLessThan(0.5);
    }
    expect(new Set(trials.map((t) => t.params.units)).size).toBe(4);
    expect(trials.map((t) => t.score)).toEqual([...trials.map((t) => t.score)].sort((a, b) => b - a));
    expect(run()).toEqual(trials);
  });

  it('finds a good learning rate for a real (tiny) training run', () => {
    const data = linearData(32, 9);
    const trials = gridSearch(
      { lr: [1e-4, 0.1] },
      ({ lr }) => {
        const net = new Sequential(new Linear(2, 1, { rng: new Rng(1) }), new Sigmoid());
        const h = fit(net, {
          train: data,
          val: data,
          loss: mseLoss,
          optimizer: new SGD(net.parameters(), { lr }),
          epochs: 5,
        });
        return { score: h.valLoss.at(-1)!, history: h };
      },
      { mode: 'min' },
    );
    expect(trials[0]!.params.lr).toBe(0.1);
    expect(trials[0]!.score).toBeLessThan(trials[1]!.score);
  });
});
