import { describe, expect, it } from 'vitest';
import { GATES, learnXor, xorCascade } from '../gates.js';

describe('examples/gates', () => {
  it('hand-set perceptrons compute AND, OR and NAND', () => {
    expect(GATES.AND).toEqual([0, 0, 0, 1]);
    expect(GATES.OR).toEqual([0, 1, 1, 1]);
    expect(GATES['NOT x OR NOT y']).toEqual([1, 1, 1, 0]);
  });
  it('the sigmoid cascade computes XOR', () => {
    const { h1, h2, out } = xorCascade();
    expect(h1.map(Math.round)).toEqual([0, 1, 1, 1]);
    expect(h2.map(Math.round)).toEqual([1, 1, 1, 0]);
    out.forEach((v, i) => {
      expect(Math.abs(v - [0, 1, 1, 0][i]!)).toBeLessThan(1e-4);
    });
  });
  it('a 2-2-1 sigmoid MLP learns XOR', () => {
    const r = learnXor();
    expect(r.outputs.map(Math.round)).toEqual([0, 1, 1, 0]);
    expect(r.lossHistory.at(-1)!).toBeLessThan(r.lossHistory[0]! / 10);
  });
});
