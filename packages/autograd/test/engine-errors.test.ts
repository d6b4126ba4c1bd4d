// Every error of the engine: typed, naming the op and what was expected, and changing nothing.
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  DTypeError,
  type Tensor,
  customOp,
  detectAnomaly,
  noGrad,
  tensor,
  zeros,
} from '@chainrule/autograd';

const f64 = (v: number | number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('backward errors', () => {
  it('a non-scalar output needs gradOutput', () => {
    const y = f64([1, 2]).mul(2);
    expect(() => y.backward()).toThrow(/grad can be implicitly created only for scalar outputs; got shape \[2\]/);
  });

  it('gradOutput must have the output shape', () => {
    const y = f64([1, 2]).mul(2);
    expect(() => y.backward(tensor([1, 2, 3], { dtype: 'float64' }))).toThrow(
      /gradOutput has shape \[3\], expected the output's shape \[2\]/,
    );
  });

  it('backward on a tensor that needs no grad', () => {
    expect(() => f64(1, false).mul(2).backward()).toThrow(/does not require grad/);
  });
});

describe('requiresGrad only on floats', () => {
  it('refuses int32 and bool tensors', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(DTypeError);
    expect(() => tensor([true], { requiresGrad: true })).toThrow(
      /only floating point tensors can require gradients, got bool/,
    );
    expect(() => zeros([2], { dtype: 'int32' }).requiresGrad_()).toThrow(/got int32/);
  });
});

describe('in-place rules and the version counter', () => {
  it('an in-place write to a leaf that requires grad is refused outside noGrad, allowed inside', () => {
    const w = f64([1, 2]);
    expect(() => w.addInPlace(1)).toThrow(/leaf tensor that requires grad is being used in an in-place operation/);
    expect(w.toArray()).toEqual([1, 2]);
    expect(w.version).toBe(0);
    noGrad(() => w.subInPlace(tensor([0.5, 0.5], { dtype: 'float64' })));
    expect(w.toArray()).toEqual([0.5, 1.5]);
    expect(w.version).toBe(1);
  });

  it('a saved input changed in place is caught at backward, with both versions', () => {
    const x = f64([1, 2]);
    const c = tensor([3, 4], { dtype: 'float64' }); // needs no grad, so in-place is allowed
    const y = x.mul(c).sum(); // mul saves c
    c.mulInPlace(2);
    expect(() => y.backward()).toThrow(
      /modified by an in-place operation: the input 1 of 'mul' \(shape \[2\]\) is at version 1; expected version 0/,
    );
    expect(x.grad).toBe(null);
  });

  it('a saved output changed in place is caught too', () => {
    const x = f64([1, 2]);
    const e = x.exp(); // exp's rule reads its output
    noGrad(() => e.addInPlace(1));
    expect(() => e.sum().backward()).toThrow(/the output of 'exp' .* at version 1; expected version 0/);
  });

  it('a view shares its base version: writing the base invalidates what was saved from the view', () => {
    const base = tensor([1, 2, 3, 4], { dtype: 'float64' });
    const view = base.reshape([2, 2]);
    const x = f64([
      [1, 1],
      [1, 1],
    ] as unknown as number[]);
    const y = x.mul(view).sum();
    base.addInPlace(1);
    expect(view.version).toBe(1);
    expect(() => y.backward()).toThrow(/in-place/);
  });

  it('an op that saves nothing does not care (add)', () => {
    const x = f64([1, 2]);
    const c = tensor([3, 4], { dtype: 'float64' });
    const y = x.add(c).sum();
    c.addInPlace(1);
    y.backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  it('a reshape that had to copy does not share the version counter', () => {
    const base = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const copy = base.transpose().reshape([4]); // not contiguous: a copy
    base.addInPlace(1);
    expect(copy.version).toBe(0);
  });
});

describe('customOp', () => {
  const square = (wrongShape: boolean) =>
    customOp({
      name: 'mySquare',
      forward: (x) => x!.mul(x!),
      backward: (g, [x]) => [wrongShape ? g.sum() : g.mul(x!).mul(2)],
    });

  it('runs a correct user rule', () => {
    const x = f64([1, 3]);
    square(false)(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 6]);
  });

  it('a backward of the wrong shape is an error naming the op and both shapes', () => {
    const x = f64([1, 3]);
    expect(() => square(true)(x).sum().backward()).toThrow(
      /mySquare: backward returned a gradient of shape \[\] for input 0 of shape \[2\]/,
    );
    expect(x.grad).toBe(null);
  });

  it('a backward with the wrong number of gradients, or dtype, is an error', () => {
    const x = f64([1, 3]);
    const twoGrads = customOp({ name: 'two', forward: (a) => a!.mul(2), backward: (g) => [g, g] });
    expect(() => twoGrads(x).sum().backward()).toThrow(/two: backward returned 2 gradients for 1 inputs/);
    const float32 = customOp({ name: 'f32', forward: (a) => a!.mul(2), backward: (g) => [g.cast('float32')] });
    expect(() => float32(x).sum().backward()).toThrow(
      /f32: backward returned a float32 gradient for input 0 of dtype float64/,
    );
  });
});

describe('detectAnomaly', () => {
  it('names the op whose backward made Infinity (sqrt at 0)', () => {
    const x = f64([0, 1]);
    const run = () => detectAnomaly(() => x.sqrt().sum().backward());
    expect(run).toThrow(AnomalyError);
    expect(run).toThrow(/^sqrt: backward produced Infinity in the gradient of input 0/);
  });

  it('names the op whose forward made -Infinity (log of 0) and where it was created', () => {
    const x = f64([0, 1]);
    try {
      detectAnomaly(() => x.log());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AnomalyError);
      expect((e as AnomalyError).message).toMatch(/^log: forward produced Infinity/);
      expect((e as AnomalyError).createdAt).toMatch(/engine-errors\.test\.ts/);
    }
  });

  it('is off by default: the same backward runs and yields Infinity', () => {
    const x = f64([0, 1]);
    x.sqrt().sum().backward();
    expect(x.grad!.toArray()).toEqual([Infinity, 0.5]);
  });
});
