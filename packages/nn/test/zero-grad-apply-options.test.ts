// zeroGrad({ setToNone }) on modules and optimizers, module.apply(fn), and optimizer option keys
// checked at runtime (PyTorch's `betas: [b1, b2]` accepted; snake_case and misspelt keys refused).
import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@chainrule/autograd';
import { Adam, AdamW, type AnyModule, Linear, ModuleError, ReLU, SGD, Sequential } from '../src/index.js';

const flat = (t: Tensor): number[] => t.reshape(-1).toArray() as number[];

function withGrads(): Sequential {
  const net = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
  net
    .forward(tensor([[1, 2, 3]]))
    .sum()
    .backward();
  return net;
}

describe('zeroGrad', () => {
  it('sets every gradient to null by default, as PyTorch', () => {
    const net = withGrads();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('{ setToNone: false } zeroes the same gradient tensors in place', () => {
    for (const clear of [
      (net: Sequential) => net.zeroGrad({ setToNone: false }),
      (net: Sequential) => new SGD(net.parameters(), { lr: 0.1 }).zeroGrad({ setToNone: false }),
    ]) {
      const net = withGrads();
      const before = net.parameters().map((p) => p.grad!);
      const versions = before.map((g) => g.version);
      expect(before.some((g) => flat(g).some((v) => v !== 0))).toBe(true);
      clear(net);
      net.parameters().forEach((p, i) => {
        expect(p.grad).toBe(before[i]);
        expect(flat(p.grad!)).toEqual(new Array(p.numel()).fill(0));
        expect(p.grad!.version).toBeGreaterThan(versions[i]!);
      });
    }
  });

  it('an optimizer clears the gradients of its own parameters only', () => {
    const net = withGrads();
    const first = net.parameters().slice(0, 2);
    new Adam(first).zeroGrad();
    expect(first.every((p) => p.grad === null)).toBe(true);
    expect(
      net
        .parameters()
        .slice(2)
        .every((p) => p.grad !== null),
    ).toBe(true);
  });

  it('refuses an unknown key or a non-boolean, clearing nothing', () => {
    const net = withGrads();
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    expect(() => net.zeroGrad({ set_to_none: true } as never)).toThrow(ModuleError);
    expect(() => net.zeroGrad({ set_to_none: true } as never)).toThrow(/Module\.zeroGrad.*"set_to_none"/);
    expect(() => opt.zeroGrad({ setToNone: 'no' } as never)).toThrow(/SGD\.zeroGrad: setToNone must be a boolean/);
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

describe('module.apply', () => {
  it('calls fn on every module, children first then this one, and returns this', () => {
    const net = new Sequential(new Linear(3, 2), new Sequential(new ReLU(), new Linear(2, 1)));
    const seen: AnyModule[] = [];
    expect(net.apply((m) => seen.push(m))).toBe(net);
    expect(seen).toHaveLength([...net.modules()].length);
    expect(new Set(seen)).toEqual(new Set(net.modules()));
    expect(seen.filter((m) => m instanceof Linear)).toHaveLength(2);
  });

  it('can initialize every Linear', () => {
    const net = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
    net.apply((m) => {
      if (m instanceof Linear) m.weight.value.data.fill(0.5);
    });
    for (const m of net.modules()) if (m instanceof Linear) expect(flat(m.weight)).toContain(0.5);
  });
});

describe('optimizer options', () => {
  const params = () => new Linear(2, 1).parameters();
  it.each([
    [
      'SGD weight_decay',
      () => new SGD(params(), { lr: 0.1, weight_decay: 0.1 } as never),
      /"weight_decay".*weightDecay/,
    ],
    ['SGD lrr', () => new SGD(params(), { lrr: 0.1 } as never), /unknown option "lrr"/],
    ['Adam beta_1', () => new Adam(params(), { beta_1: 0.8 } as never), /unknown option "beta_1"/],
    ['SGD betas', () => new SGD(params(), { lr: 0.1, betas: [0.9, 0.99] } as never), /unknown option "betas"/],
    ['Adam betas of three', () => new Adam(params(), { betas: [0.9, 0.99, 0.1] } as never), /two numbers/],
  ])('%s is an error', (_, make, message) => {
    expect(make).toThrow(ModuleError);
    expect(make).toThrow(message);
  });

  it('accepts betas: [b1, b2] as PyTorch spells it, the same as beta1 and beta2', () => {
    for (const Opt of [Adam, AdamW]) {
      const a = new Opt(params(), { betas: [0.8, 0.95] });
      const b = new Opt(params(), { beta1: 0.8, beta2: 0.95 });
      expect(a.paramGroups[0]!.beta1).toBe(0.8);
      expect(a.paramGroups[0]!.beta2).toBe(0.95);
      expect(b.paramGroups[0]!.beta1).toBe(0.8);
    }
  });
});
