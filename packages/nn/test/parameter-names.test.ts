// Parameters are named by their module path, so traces and pictures (which label a tensor by its
// `name`) show `fc1.weight`, not `t3`.
import { tensor } from '@chainrule/autograd';
import { describe, expect, it } from 'vitest';
import { Linear, Module, Sequential, Sigmoid } from '../src/index.js';

class Net extends Module {
  fc1 = new Linear(2, 3);
  body = new Sequential(new Linear(3, 3), new Sigmoid());
  forward(x: ReturnType<typeof tensor>) {
    return this.body.forward(this.fc1.forward(x));
  }
}

describe('parameter names', () => {
  it('come from the module path once the parameters are listed (as an optimizer does)', () => {
    const net = new Net();
    net.parameters();
    expect(net.fc1.weight.name).toBe('fc1.weight');
    expect(net.namedParameters().map(([k, p]) => [k, p.name])).toEqual(net.namedParameters().map(([k]) => [k, k]));
    expect(net.forward(tensor([[1, 2]])).shape).toEqual([1, 3]);
  });

  it('take the fuller path of an enclosing module, and never replace a name the user gave', () => {
    const inner = new Sequential(new Linear(2, 2));
    inner.parameters();
    expect((inner.at(0) as Linear).weight.name).toBe('0.weight');
    const outer = new Sequential(inner);
    outer.parameters();
    expect((inner.at(0) as Linear).weight.name).toBe('0.0.weight');
    inner.parameters(); // a shorter path does not replace a longer one
    expect((inner.at(0) as Linear).weight.name).toBe('0.0.weight');
    const mine = new Linear(2, 2);
    mine.weight.name = 'W';
    new Sequential(mine).parameters();
    expect(mine.weight.name).toBe('W');
    expect(mine.bias!.name).toBe('0.bias');
  });
});
