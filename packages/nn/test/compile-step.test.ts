// compileStep and fit's compiled default: the same losses, outputs and weights as eager training,
// bit for bit, for SGD with momentum, Adam, AdamW, RMSprop and Adagrad (their updates and step
// counts inside the plan), a custom optimizer (update run eagerly after the compiled backward), a CNN
// and an LSTM; dropout runs eagerly; a scheduler's change starts a new recording.
import { type Tensor, randn } from '@chainrule/autograd';
import {
  Adagrad,
  Adam,
  AdamW,
  BatchNorm1d,
  Conv2d,
  Dropout,
  Flatten,
  GRU,
  LSTM,
  Linear,
  MaxPool2d,
  type Model,
  Module,
  type Optimizer,
  RMSprop,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  StepLR,
  Tanh,
  bce,
  compileStep,
  crossEntropy,
  fit,
  mseLoss,
} from '@chainrule/nn';
import * as T from '@chainrule/tensor';
import { Tensor as TensorClass } from '@chainrule/autograd';
import { describe, expect, it } from 'vitest';

const bits = (t: Tensor): number[] => Array.from(t.value.contiguous().data as ArrayLike<number>);

type Make = () => { model: Model; opt: Optimizer };

/** Trains two seeded copies, one eagerly and one with compileStep, and compares everything. */
function agree(make: Make, data: [Tensor, Tensor][], loss: (o: Tensor, y: Tensor) => Tensor, steps: number) {
  const eager = make(),
    compiled = make();
  const step = compileStep(compiled.model, loss, compiled.opt);
  for (let i = 0; i < steps; i++) {
    const [x, y] = data[i % data.length]!;
    eager.opt.zeroGrad();
    const out = eager.model.forward(x);
    const l = loss(out, y);
    l.backward();
    eager.opt.step();
    const r = step(x, y);
    expect(bits(r.loss)).toEqual(bits(l));
    expect(bits(r.output)).toEqual(bits(out));
  }
  compiled.model.parameters().forEach((p, i) => {
    expect(bits(p)).toEqual(bits(eager.model.parameters()[i]!));
  });
  return step;
}

function labels(n: number, classes: number): Tensor {
  return new TensorClass(T.randint(0, classes, [n]));
}

describe('compileStep', () => {
  it('compiles a whole SGD-with-momentum step of an MLP (the update inside the plan)', () => {
    T.manualSeed(3);
    const data: [Tensor, Tensor][] = Array.from({ length: 4 }, () => [randn([8, 12]), labels(8, 4)]);
    const make: Make = () => {
      T.manualSeed(1);
      const model = new Sequential(new Linear(12, 16), new Tanh(), new Linear(16, 4));
      return { model, opt: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 }) };
    };
    const step = agree(make, data, crossEntropy, 10);
    expect(step.mode).toBe('whole');
    expect(step.stats.replayed).toBeGreaterThanOrEqual(6);
    expect(step.plan(...data[0]!)!.memory().total).toBeGreaterThan(0);
  });

  it('compiles a whole CNN step with Adam (bias corrections and step counts replayed)', () => {
    T.manualSeed(4);
    const data: [Tensor, Tensor][] = Array.from({ length: 3 }, () => [randn([3, 1, 12, 12]), labels(3, 5)]);
    const make: Make = () => {
      T.manualSeed(2);
      const model = new Sequential(
        new Conv2d(1, 4, 3),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(4 * 5 * 5, 5),
      );
      return { model, opt: new Adam(model.parameters(), { lr: 1e-2 }) };
    };
    const step = agree(make, data, crossEntropy, 9);
    expect(step.mode).toBe('whole');
    expect(step.stats.replayed).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['AdamW, amsgrad', (ps: Tensor[]) => new AdamW(ps, { lr: 1e-2, weightDecay: 0.1, amsgrad: true })],
    ['Adam, L2', (ps: Tensor[]) => new Adam(ps, { lr: 1e-2, weightDecay: 1e-2, betas: [0.8, 0.9] })],
    ['RMSprop, centered, momentum', (ps: Tensor[]) => new RMSprop(ps, { lr: 1e-2, centered: true, momentum: 0.5 })],
    ['Adagrad, lrDecay', (ps: Tensor[]) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.05, weightDecay: 1e-3 })],
  ])('replays %s whole: the same weights, state and step counts as eager', (_name, makeOpt) => {
    T.manualSeed(5);
    const data: [Tensor, Tensor][] = Array.from({ length: 3 }, () => [randn([6, 5]), labels(6, 3)]);
    const opts: Optimizer[] = []; // agree() makes the eager copy, then the compiled one
    const make: Make = () => {
      T.manualSeed(6);
      const model = new Sequential(new Linear(5, 7), new Tanh(), new Linear(7, 3));
      opts.push(makeOpt(model.parameters()));
      return { model, opt: opts.at(-1)! };
    };
    const step = agree(make, data, crossEntropy, 12);
    expect(step.mode).toBe('whole');
    expect(step.stats.replayed).toBeGreaterThanOrEqual(8);
    const b = opts[0]!.stateDict(),
      a = opts[1]!.stateDict();
    for (const [id, s] of Object.entries(b.state)) {
      const c = a.state[id]!;
      expect(c.step).toBe(12);
      expect(c.step).toBe(s.step);
      for (const [k, v] of Object.entries(s))
        if (v instanceof TensorClass) expect(bits(c[k] as Tensor)).toEqual(bits(v));
    }
  });

  it('runs a custom optimizer (not replayable) eagerly after the compiled backward', () => {
    class HalfStep extends SGD {
      override readonly replayableStep = false;
    }
    T.manualSeed(7);
    const data: [Tensor, Tensor][] = Array.from({ length: 2 }, () => [randn([4, 3]), labels(4, 2)]);
    const make: Make = () => {
      T.manualSeed(8);
      const model = new Linear(3, 2);
      return { model, opt: new HalfStep(model.parameters(), { lr: 0.1 }) };
    };
    const step = agree(make, data, crossEntropy, 6);
    expect(step.mode).toBe('split');
    expect(step.stats.replayed).toBeGreaterThanOrEqual(2);
  });

  // a small LSTM with SGD; a 2-layer GRU and a wider LSTM with Adam (the wasm cell kernel, the
  // backward cell kernels writing into arrays)
  const recurrent = [
    { Kind: LSTM, input: 3, hidden: 6, layers: 1, batch: 4, adam: false },
    { Kind: GRU, input: 5, hidden: 32, layers: 2, batch: 8, adam: true },
    { Kind: LSTM, input: 5, hidden: 32, layers: 2, batch: 8, adam: true },
  ];
  for (const { Kind, input, hidden, layers, batch, adam } of recurrent) {
    it(`compiles a ${layers}-layer ${Kind.name} ${input}→${hidden} with a linear head`, () => {
      class Tagger extends Module<[Tensor], Tensor> {
        readonly rnn = new Kind(input, hidden, { batchFirst: true, numLayers: layers });
        readonly head = new Linear(hidden, 2);
        forward(x: Tensor): Tensor {
          const [out] = this.rnn.forward(x);
          return this.head.forward(out.at(':, -1'));
        }
      }
      T.manualSeed(5);
      const data: [Tensor, Tensor][] = Array.from({ length: 3 }, () => [randn([batch, 5, input]), randn([batch, 2])]);
      const make: Make = () => {
        T.manualSeed(6);
        const model = new Tagger();
        const params = model.parameters();
        return { model, opt: adam ? new Adam(params, { lr: 0.01 }) : new SGD(params, { lr: 0.05 }) };
      };
      const step = agree(make, data, mseLoss, 6);
      expect(step.stats.replayed).toBeGreaterThanOrEqual(3);
      expect(step.stats.eager).toBe(0);
    });
  }

  it('keeps BatchNorm running statistics and its batch counter as eager training does', () => {
    T.manualSeed(13);
    const data: [Tensor, Tensor][] = Array.from({ length: 3 }, () => [randn([6, 4]), randn([6, 2])]);
    const make: Make = () => {
      T.manualSeed(14);
      const model = new Sequential(new Linear(4, 5), new BatchNorm1d(5), new ReLU(), new Linear(5, 2));
      return { model, opt: new SGD(model.parameters(), { lr: 0.1 }) };
    };
    const eager = make(),
      compiled = make();
    const step = compileStep(compiled.model, mseLoss, compiled.opt);
    for (let i = 0; i < 7; i++) {
      const [x, y] = data[i % 3]!;
      eager.opt.zeroGrad();
      const l = mseLoss(eager.model.forward(x), y);
      l.backward();
      eager.opt.step();
      expect(bits(step(x, y).loss)).toEqual(bits(l));
    }
    expect(step.stats.replayed).toBeGreaterThanOrEqual(4);
    const a = compiled.model.stateDict(),
      b = eager.model.stateDict();
    for (const [key, t] of b) expect(bits(a.get(key)!), key).toEqual(bits(t));
    expect(bits(b.get('1.num_batches_tracked')!)).toEqual([7]);
  });

  it('runs dropout eagerly (it draws random numbers) with the same results as eager training', () => {
    T.manualSeed(7);
    const data: [Tensor, Tensor][] = Array.from({ length: 2 }, () => [randn([5, 6]), randn([5, 2])]);
    const make: Make = () => {
      T.manualSeed(8);
      const model = new Sequential(new Linear(6, 8), new Dropout(0.3), new Linear(8, 2));
      return { model, opt: new SGD(model.parameters(), { lr: 0.1 }) };
    };
    // each copy draws from the default generator in turn: reseed before each to keep them in step
    const eager = make(),
      compiled = make();
    const step = compileStep(compiled.model, mseLoss, compiled.opt);
    for (let i = 0; i < 5; i++) {
      const [x, y] = data[i % 2]!;
      T.manualSeed(100 + i);
      eager.opt.zeroGrad();
      const l = mseLoss(eager.model.forward(x), y);
      l.backward();
      eager.opt.step();
      T.manualSeed(100 + i);
      expect(bits(step(x, y).loss)).toEqual(bits(l));
    }
    expect(step.eagerReason(...data[0]!)).toMatch(/random numbers/);
    expect(step.stats.replayed).toBe(0);
  });

  it('records again when a scheduler changes the learning rate', () => {
    T.manualSeed(9);
    const data: [Tensor, Tensor][] = Array.from({ length: 2 }, () => [randn([4, 3]), randn([4, 1])]);
    const make: Make = () => {
      T.manualSeed(10);
      const model = new Linear(3, 1);
      return { model, opt: new SGD(model.parameters(), { lr: 0.1 }) };
    };
    const eager = make(),
      compiled = make();
    const s1 = new StepLR(eager.opt, { stepSize: 3, gamma: 0.5 }),
      s2 = new StepLR(compiled.opt, { stepSize: 3, gamma: 0.5 });
    const step = compileStep(compiled.model, mseLoss, compiled.opt);
    for (let i = 0; i < 12; i++) {
      const [x, y] = data[i % 2]!;
      eager.opt.zeroGrad();
      const l = mseLoss(eager.model.forward(x), y);
      l.backward();
      eager.opt.step();
      expect(bits(step(x, y).loss)).toEqual(bits(l));
      s1.step();
      s2.step();
    }
    expect(step.stats.replayed).toBe(4); // 3 steps per rate: 2 recorded, 1 replayed
    expect(bits((compiled.model as Linear).weight)).toEqual(bits((eager.model as Linear).weight));
  });
});

describe('compileStep keeps eager semantics where a plan could drift', () => {
  it('checks each batch on replay: a bad label or probability throws the eager error', () => {
    T.manualSeed(15);
    const model = new Linear(3, 4);
    const step = compileStep(model, crossEntropy, new SGD(model.parameters(), { lr: 0.1 }));
    const x = randn([2, 3]);
    for (let i = 0; i < 4; i++) step(x, new TensorClass(T.array([1, 3], 'int32')));
    expect(step.stats.replayed).toBe(2);
    expect(() => step(x, new TensorClass(T.array([1, 7], 'int32')))).toThrow(/target 7 is out of bounds for 4 classes/);
    const sig = new Sequential(new Linear(3, 1), new Sigmoid());
    const bceStep = compileStep(sig, bce, new SGD(sig.parameters(), { lr: 0.1 }));
    for (let i = 0; i < 4; i++) bceStep(x, randn([2, 1]).sigmoid());
    expect(bceStep.stats.replayed).toBe(2);
    expect(() => bceStep(x, new TensorClass(T.array([[0.5], [1.5]])))).toThrow(/target must be in \[0, 1\], got 1.5/);
  });

  it('records again after the optimizer loads a state dict or a parameter stops requiring grad', () => {
    T.manualSeed(16);
    const make: Make = () => {
      T.manualSeed(17);
      const model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 2));
      return { model, opt: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) };
    };
    const eager = make(),
      compiled = make();
    const step = compileStep(compiled.model, mseLoss, compiled.opt);
    const data: [Tensor, Tensor][] = Array.from({ length: 2 }, () => [randn([5, 3]), randn([5, 2])]);
    const saved = { e: eager.opt.stateDict(), c: compiled.opt.stateDict() };
    for (let i = 0; i < 12; i++) {
      const [x, y] = data[i % 2]!;
      if (i === 5) {
        eager.opt.loadStateDict(saved.e); // back to the first state: momentum buffers replaced
        compiled.opt.loadStateDict(saved.c);
      }
      if (i === 8) {
        eager.model.parameters()[0]!.requiresGrad_(false);
        compiled.model.parameters()[0]!.requiresGrad_(false);
      }
      eager.opt.zeroGrad();
      const l = mseLoss(eager.model.forward(x), y);
      l.backward();
      eager.opt.step();
      expect(bits(step(x, y).loss), `step ${i}`).toEqual(bits(l));
    }
    compiled.model.parameters().forEach((p, i) => {
      expect(bits(p)).toEqual(bits(eager.model.parameters()[i]!));
    });
  });
});

describe('fit compiles its steps by default', () => {
  it('gives the same history and weights as fit({ compile: false })', () => {
    T.manualSeed(11);
    const x = randn([40, 5]),
      y = labels(40, 3);
    const run = (compile: boolean) => {
      T.manualSeed(12);
      const model = new Sequential(new Linear(5, 7), new ReLU(), new Linear(7, 3));
      const opt = new SGD(model.parameters(), { lr: 0.2, momentum: 0.5 });
      let steps = 0;
      const step = opt.step.bind(opt);
      opt.step = () => {
        steps++;
        step();
      };
      const history = fit(model, {
        train: { x, y },
        loss: crossEntropy,
        optimizer: opt,
        epochs: 4,
        batchSize: 8,
        compile,
      });
      return { history, weights: model.parameters().map(bits), steps };
    };
    const on = run(true),
      off = run(false);
    expect(on.history.trainLoss).toEqual(off.history.trainLoss);
    expect(on.weights).toEqual(off.weights);
    // replays skip the optimizer's JavaScript: step() runs only while the plan is recorded
    expect(on.steps).toBeLessThanOrEqual(3);
    expect(off.steps).toBe(20);
  });
});
