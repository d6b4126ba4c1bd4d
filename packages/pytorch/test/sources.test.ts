/** The generated sources and the errors of toPyTorch (no Python needed). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@chainrule/autograd';
import {
  Adam,
  AdamW,
  Conv2d,
  Linear,
  Module,
  ModuleError,
  RMSprop,
  ReLU,
  SGD,
  Sequential,
  SobolevaTanh,
} from '@chainrule/nn';
import { describe, expect, it } from 'vitest';
import { modelSource, pytorchSources, toPyTorch } from '../src/index.js';
import { tempDir } from './harness.js';

class Twice extends Module {
  readonly inner = new Linear(3, 3);
  constructor() {
    super();
    this.registerModule('inner', this.inner);
  }
  forward(x: Tensor): Tensor {
    return this.inner.forward(this.inner.forward(x));
  }
}

describe('model.py', () => {
  it('writes each layer with its hyperparameters, in the model dtype', () => {
    const net = new Sequential(new Conv2d(4, 6, 3, { groups: 2, padding: 'same', dtype: 'float64' }), new ReLU());
    const src = modelSource(net);
    expect(src).toContain('class Model(nn.Sequential)');
    expect(src).toContain(
      'nn.Conv2d(4, 6, (3, 3), stride=(1, 1), padding="same", dilation=(1, 1), groups=2, bias=True, ' +
        'padding_mode="zeros")',
    );
    expect(src).toContain('DTYPE = torch.float64');
  });

  it('a custom module takes its Python forward by class name or by path (a path wins)', () => {
    const net = new Sequential(new Twice(), new Twice());
    const src = modelSource(net, {
      forwards: {
        Twice: 'def forward(self, x):\n    return self.inner(self.inner(x))',
        1: 'def forward(self, x):\n    return x',
      },
    });
    expect(src).toContain('class Twice(nn.Module)');
    expect(src).toContain('self.add_module("inner", nn.Linear(3, 3, bias=True))');
    expect(src).toContain('class Twice2(nn.Module)');
    expect(src).toContain('    def forward(self, x):\n        return x');
  });

  it("a custom class named like one of model.py's names or not a Python identifier gets a fresh name", () => {
    const classes = { F: class extends Twice {}, $x: class extends Twice {} };
    const forward = 'def forward(self, x):\n    return x';
    const src = modelSource(new Sequential(new classes.F(), new classes.$x()), {
      forwards: { F: forward, $x: forward },
    });
    expect(src).toContain('class F2(nn.Module)');
    expect(src).toContain('class __x(nn.Module)');
    expect(src).toContain('super().__init__(F2(), __x())');
  });

  it('a custom module without a Python forward is an error naming its path and class', () => {
    const net = new Sequential(new Linear(3, 3), new Sequential(new ReLU(), new Twice()));
    expect(() => modelSource(net)).toThrow(ModuleError);
    expect(() => modelSource(net)).toThrow(/module '1\.1' \(Twice\).*options\.forwards\["1\.1"\]/);
    expect(() => modelSource(new Twice())).toThrow(/module '<root>' \(Twice\)/);
  });

  it('a layer with no torch.nn twin is an error naming it', () => {
    expect(() => modelSource(new Sequential(new SobolevaTanh()))).toThrow(/module '0' \(SobolevaTanh\)/);
  });
});

describe('train.py', () => {
  const net = () => new Sequential(new Linear(4, 2));

  it("takes the optimizer's kind and hyperparameters", () => {
    const a = net();
    const adam = pytorchSources(a, {
      optimizer: new Adam(a.parameters(), { lr: 0.002, betas: [0.8, 0.99], eps: 1e-7 }),
    });
    expect(adam.trainPy).toContain(
      'torch.optim.Adam(params, lr=0.002, betas=(0.8, 0.99), eps=1e-7, weight_decay=0, amsgrad=False)',
    );
    const w = pytorchSources(a, { optimizer: new AdamW(a.parameters(), { lr: 0.01 }) });
    expect(w.trainPy).toContain('torch.optim.AdamW(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01');
    const sgd = pytorchSources(a, { loss: 'mseLoss', optimizer: new SGD(a.parameters(), { lr: 0.1, momentum: 0.9 }) });
    expect(sgd.trainPy).toContain('torch.optim.SGD(params, lr=0.1, momentum=0.9, dampening=0');
    expect(sgd.trainPy).toContain('return F.mse_loss(out, y)');
    expect(sgd.trainPy).toContain('LABELS = False');
  });

  it('refuses an optimizer it cannot write, several groups, an unknown loss or option', () => {
    const a = net();
    const [w, b] = a.parameters() as unknown as [Tensor, Tensor];
    expect(() => pytorchSources(a, { optimizer: new RMSprop(a.parameters(), { lr: 0.1 }) })).toThrow(/RMSprop/);
    const groups = new SGD([{ params: [w] }, { params: [b], lr: 0.2 }], { lr: 0.1 });
    expect(() => pytorchSources(a, { optimizer: groups })).toThrow(/2 parameter groups/);
    expect(() => pytorchSources(a, { loss: 'hinge' as 'mseLoss' })).toThrow(/unknown loss 'hinge'/);
    expect(() => pytorchSources(a, { lr: 1 } as object)).toThrow(/unknown option\(s\) lr/);
  });
});

describe('toPyTorch', () => {
  it('writes model.py, weights.safetensors and train.py, and nothing when it fails', () => {
    const dir = tempDir('export');
    const files = toPyTorch(net2(), join(dir, 'ok'));
    for (const f of [files.model, files.weights, files.train]) expect(existsSync(f)).toBe(true);
    expect(() => toPyTorch(new Twice(), join(dir, 'bad'))).toThrow(/Twice/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });
});

function net2(): Module {
  return new Sequential(new Linear(2, 2));
}
