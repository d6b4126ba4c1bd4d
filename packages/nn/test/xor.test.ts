import { describe, expect, it } from 'vitest';
import { Rng } from '@chainrule/tensor';
import { tensor } from '@chainrule/autograd';
import { Linear, SGD, Sequential, Sigmoid, quadraticCost, mseLoss } from '@chainrule/nn';

describe('XOR', () => {
  const x = tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = tensor([[0], [1], [1], [0]]);

  it('a 2-2-1 sigmoid MLP learns XOR with the quadratic cost and plain SGD', () => {
    const rng = new Rng(7);
    const net = new Sequential(new Linear(2, 2, { rng }), new Sigmoid(), new Linear(2, 1, { rng }), new Sigmoid());
    expect(net.parameterCount()).toBe(9);
    const opt = new SGD(net.parameters(), { lr: 5 });
    const first = quadraticCost(net.forward(x), y).item();
    let last = first;
    for (let i = 0; i < 3000; i++) {
      opt.zeroGrad();
      const loss = quadraticCost(net.forward(x), y);
      loss.backward();
      opt.step();
      last = loss.item();
    }
    expect(last).toBeLessThan(first / 20);
    const pred = net.forward(x).toArray() as number[][];
    expect(pred.map((r) => (r[0]! > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    for (const [i, r] of pred.entries()) expect(Math.abs(r[0]! - [0, 1, 1, 0][i]!)).toBeLessThan(0.2);
  });

  it('the same net learns it with mseLoss and momentum', () => {
    const rng = new Rng(3);
    const net = new Sequential(new Linear(2, 2, { rng }), new Sigmoid(), new Linear(2, 1, { rng }), new Sigmoid());
    const opt = new SGD(net.parameters(), { lr: 2, momentum: 0.9 });
    for (let i = 0; i < 1500; i++) {
      opt.zeroGrad();
      mseLoss(net.forward(x), y).backward();
      opt.step();
    }
    const pred = net.forward(x).toArray() as number[][];
    expect(pred.map((r) => (r[0]! > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });
});
