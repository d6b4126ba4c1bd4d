import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@chainrule/autograd';
import { Linear, Module, ModuleDict, ModuleError, ModuleList, ReLU, Sequential } from '@chainrule/nn';

class Stack extends Module {
  layers = new ModuleList<Linear>([new Linear(2, 3), new Linear(3, 2)]);
  heads = new ModuleDict<Linear>({ cls: new Linear(2, 4), reg: new Linear(2, 1) });
  forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.forward(x).tanh();
    return this.heads.get('reg').forward(x);
  }
}

describe('ModuleList and ModuleDict', () => {
  it("name children as PyTorch: 'layers.0.weight', 'heads.cls.bias'", () => {
    const keys = [...new Stack().stateDict().keys()];
    expect(keys).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'heads.cls.weight',
      'heads.cls.bias',
      'heads.reg.weight',
      'heads.reg.bias',
    ]);
  });

  it('append, push, extend, insert, set, at, length, iteration', () => {
    const a = new Linear(1, 1),
      b = new Linear(1, 2),
      c = new Linear(1, 3),
      d = new Linear(1, 4);
    const list = new ModuleList<Module>([a]).push(b).extend([c]);
    list.insert(0, d); // d a b c
    expect(list.length).toBe(4);
    expect([...list]).toEqual([d, a, b, c]);
    expect(list.at(-1)).toBe(c);
    expect(list.namedChildren().map(([n, m]) => [n, m])).toEqual([
      ['0', d],
      ['1', a],
      ['2', b],
      ['3', c],
    ]);
    list.set(1, new ReLU());
    expect(list.parameters()).toHaveLength(6);
    expect(() => list.at(4)).toThrow(/ModuleList.at: index 4 is out of range for a ModuleList of length 4/);
    expect(() => list.append(3 as unknown as Linear)).toThrow(ModuleError);
    expect(() => list.extend([a, {} as Linear])).toThrow(/expected a Module/);
    expect(list.length).toBe(4); // the failed extend added nothing
  });

  it('ModuleDict: get, has, pop, keys, bad keys', () => {
    const dict = new ModuleDict({ a: new Linear(1, 1) });
    dict.set('b', new Linear(1, 2));
    expect(dict.keys()).toEqual(['a', 'b']);
    expect(dict.has('a')).toBe(true);
    dict.pop('a');
    expect(dict.namedParameters().map(([n]) => n)).toEqual(['b.weight', 'b.bias']);
    expect(() => dict.get('a')).toThrow(/no module under "a"; the keys are "b"/);
    expect(() => dict.set('x.y', new Linear(1, 1))).toThrow(ModuleError);
    expect(() => new ModuleDict({ ok: new Linear(1, 1), 'bad.key': new Linear(1, 1) })).toThrow(ModuleError);
  });

  it('state dicts move between identical models', () => {
    const a = new Stack(),
      b = new Stack();
    b.loadStateDict(a.stateDict());
    const x = tensor([[0.5, -1]]);
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
  });
});

describe('forward hooks', () => {
  it('a pre-hook may replace the inputs and a hook the output; remove() restores', () => {
    const fc = new Linear(2, 1);
    const x = tensor([[1, 2]]);
    const plain = fc.forward(x).item();
    const pre = fc.registerForwardPreHook((_m, [input]) => [input.mul(0)]);
    expect(fc.forward(x).item()).toBeCloseTo(fc.bias!.item(), 6);
    const post = fc.registerForwardHook((_m, _inputs, out) => out.add(10));
    expect(fc.forward(x).item()).toBeCloseTo(fc.bias!.item() + 10, 5);
    pre.remove();
    expect(fc.forward(x).item()).toBeCloseTo(plain + 10, 5);
    post.remove();
    post.remove(); // harmless
    expect(fc.forward(x).item()).toBe(plain);
    expect(Object.hasOwn(fc, 'forward')).toBe(false);
  });

  it('fire for children called by Sequential, in order, with the inputs', () => {
    const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    const log: string[] = [];
    const handles = [...net.children()].map((m, i) =>
      (m as Module).registerForwardHook((_m, inputs, out) => {
        log.push(`${i}:${inputs[0].shape.join('x')}->${out.shape.join('x')}`);
      }),
    );
    net.forward(tensor([[1, 2]]));
    expect(log).toEqual(['0:1x2->1x3', '1:1x3->1x3', '2:1x3->1x1']);
    for (const h of handles) h.remove();
    net.forward(tensor([[1, 2]]));
    expect(log).toHaveLength(3);
  });

  it('refuses a hook that is not a function, and a pre-hook returning a non-array', () => {
    const fc = new Linear(2, 1);
    expect(() => fc.registerForwardHook(3 as never)).toThrow(/registerForwardHook: the hook must be a function/);
    const h = fc.registerForwardPreHook((() => 5) as never);
    expect(() => fc.forward(tensor([[1, 2]]))).toThrow(/pre-hook must return undefined or an array/);
    h.remove();
  });
});
