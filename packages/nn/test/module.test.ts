import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { Rng } from '@chainrule/tensor';
import { Tensor, randn, tensor, zeros } from '@chainrule/autograd';
import { Linear, Module, Parameter, ReLU, Sequential, Sigmoid, StateDictError } from '@chainrule/nn';

const net342 = (seed = 0) =>
  new Sequential(new Linear(3, 4, { rng: new Rng(seed) }), new Sigmoid(), new Linear(4, 2, { rng: new Rng(seed + 1) }));
const net3441 = () => new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 4), new ReLU(), new Linear(4, 1));

describe('Module', () => {
  it("counts the notes' examples: 3-4-2 has 26 parameters and 3-4-4-1 has 41", () => {
    expect(net342().parameterCount()).toBe(3 * 4 + 4 + 4 * 2 + 2);
    expect(net342().parameterCount()).toBe(26);
    expect(net3441().parameterCount()).toBe(41);
    const text = net3441().toString();
    expect(text).toContain('(0): Linear(inFeatures=3, outFeatures=4, bias=true)  # 16 params');
    expect(text).toContain('(2): Linear(inFeatures=4, outFeatures=4, bias=true)  # 20 params');
    expect(text).toContain('(4): Linear(inFeatures=4, outFeatures=1, bias=true)  # 5 params');
    expect(text).toContain('(1): ReLU()');
    expect(text.split('\n').at(-1)).toBe('Total parameters: 41');
  });

  it('names parameters with dotted paths, children in registration order', () => {
    const names = net342()
      .namedParameters()
      .map(([n, p]) => [n, p.shape]);
    expect(names).toEqual([
      ['0.weight', [4, 3]],
      ['0.bias', [4]],
      ['2.weight', [2, 4]],
      ['2.bias', [2]],
    ]);
  });

  it('finds parameters and modules among the properties of a subclass (own parameters first, as PyTorch)', () => {
    class Net extends Module {
      encoder = new Sequential(new Linear(2, 3), new ReLU());
      head = new Linear(3, 1, { bias: false });
      scale = new Parameter(T.ones([1]));
      forward(x: Tensor): Tensor {
        return this.head.forward(this.encoder.forward(x)).mul(this.scale);
      }
    }
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'encoder.0.weight',
      'encoder.0.bias',
      'head.weight',
    ]);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'encoder', 'encoder.0', 'encoder.1', 'head']);
    expect(net.forward(randn([5, 2])).shape).toEqual([5, 1]);
  });

  it('lists a shared layer once', () => {
    const shared = new Linear(2, 2);
    const net = new Sequential(shared, new ReLU(), shared);
    expect(net.parameters().length).toBe(2);
    expect(net.parameterCount()).toBe(6);
  });

  it('train() and eval() set the mode on every module', () => {
    const net = net342();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('zeroGrad clears every gradient', () => {
    const net = net342();
    net
      .forward(randn([2, 3]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('stateDict snapshots are copies, and loadStateDict restores them bit-exactly', () => {
    const a = net342(1);
    const b = net342(5);
    const snapshot = a.stateDict();
    expect([...snapshot.values()].every((t) => t instanceof Tensor && !t.requiresGrad && t.isLeaf)).toBe(true);
    const before = (snapshot.get('0.weight')!.toArray() as number[][]).map((r) => [...r]);
    (a.at(0) as Linear).weight.value.set(123, 0, 0); // a later change does not reach the snapshot
    expect(snapshot.get('0.weight')!.toArray()).toEqual(before);
    b.loadStateDict(snapshot);
    for (const [name, p] of b.namedParameters()) expect(p.value.toArray()).toEqual(snapshot.get(name)!.toArray());
    expect((b.at(0) as Linear).weight.value.get(0, 0)).toBe(before[0]![0]);
  });

  it('loadStateDict refuses missing, unexpected, wrong-shape and wrong-dtype entries and loads nothing', () => {
    const net = net342(2);
    const original = net.stateDict();
    const good = net342(9).stateDict();
    const cases: [string, Map<string, Tensor | T.NDArray>, RegExp][] = [];
    const missing = new Map<string, Tensor | T.NDArray>(good);
    missing.delete('2.bias');
    cases.push(['missing', missing, /missing key\(s\): "2\.bias"/]);
    const unexpected = new Map<string, Tensor | T.NDArray>(good);
    unexpected.set('3.weight', zeros([1]));
    cases.push(['unexpected', unexpected, /unexpected key\(s\): "3\.weight"/]);
    const shape = new Map<string, Tensor | T.NDArray>(good);
    shape.set('0.weight', zeros([3, 4]));
    cases.push(['shape', shape, /"0\.weight": shape \[3,4\] in the state dict, \[4,3\] in the model/]);
    // NDArrays (the storage type) are accepted too
    const dtype = new Map<string, Tensor | T.NDArray>(good);
    dtype.set('0.bias', T.zeros([4], 'float64'));
    cases.push(['dtype', dtype, /"0\.bias": dtype float64 in the state dict, float32 in the model/]);
    for (const [, dict, message] of cases) {
      expect(() => net.loadStateDict(dict)).toThrow(StateDictError);
      expect(() => net.loadStateDict(dict)).toThrow(message);
      for (const [name, p] of net.namedParameters()) expect(p.value.toArray()).toEqual(original.get(name)!.toArray());
    }
  });

  it('non-strict loading skips missing and unexpected keys but not shape mismatches', () => {
    const net = net342(2);
    const src = net342(4).stateDict();
    src.delete('2.weight');
    src.set('extra', zeros([1]));
    net.loadStateDict(src, { strict: false });
    expect(
      net
        .namedParameters()
        .find(([n]) => n === '0.weight')![1]
        .value.toArray(),
    ).toEqual(src.get('0.weight')!.toArray());
    src.set('0.bias', zeros([5]));
    expect(() => net.loadStateDict(src, { strict: false })).toThrow(/shape \[5\]/);
  });

  it('to(float64) converts parameters in place, keeping their identity', () => {
    const net = net342();
    const w = (net.at(0) as Linear).weight;
    const before = w.value.toArray();
    net.to('float64');
    expect(w.dtype).toBe('float64');
    expect((net.at(0) as Linear).weight).toBe(w);
    expect(w.value.toArray()).toEqual(before);
    expect(net.forward(tensor([[1, 2, 3]], { dtype: 'float64' })).dtype).toBe('float64');
  });
});
