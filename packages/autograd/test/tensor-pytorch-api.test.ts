// The PyTorch-shaped surface of Tensor: reshape(2, 6) and reshape([2, 6]), view (never a copy),
// clone (a copy gradients flow through), the .T and .mT properties, size() / size(dim) and numel().
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError } from '@chainrule/tensor';
import { arange, gradcheck, gradgradcheck, randn, reshape, tensor, view } from '../src/index.js';

const f64 = (shape: number[], seed = 1) => randn(shape, { dtype: 'float64', requiresGrad: true, rng: new Rng(seed) });

describe('reshape and view', () => {
  it('take the shape as one array or as numbers, in the function and the method', () => {
    const x = arange(0, 12);
    for (const y of [
      x.reshape(2, 6),
      x.reshape([2, 6]),
      x.reshape(2, -1),
      reshape(x, 2, 6),
      x.view(2, 6),
      x.view([-1, 6]),
      view(x, 2, 6),
    ]) {
      expect(y.shape).toEqual([2, 6]);
      expect(y.toArray()).toEqual(x.reshape([2, 6]).toArray());
    }
    expect(x.reshape(2, 3, 2, 1, 1).shape).toEqual([2, 3, 2, 1, 1]); // more arguments than methods pass by name
  });

  it('refuse a shape given both ways or not as numbers', () => {
    const x = arange(0, 6);
    const untyped = x.reshape as unknown as (...shape: unknown[]) => unknown;
    expect(() => untyped.call(x, [2], 3)).toThrow(ShapeError);
    expect(() => untyped.call(x, '2', 3)).toThrow(/reshape: expected a shape as one array or as numbers/);
    expect(() => x.view(4, 2)).toThrow(ShapeError);
  });

  it('view shares the storage and refuses what needs a copy', () => {
    const x = arange(0, 6).reshape(2, 3);
    expect(x.view(6).value.data).toBe(x.value.data);
    expect(x.mT.view(3, 2).value.data).toBe(x.value.data); // a transposed matrix keeps its 2 axes: a view
    expect(() => x.mT.view(6)).toThrow(ShapeError);
    expect(() => x.mT.view(6)).toThrow(/view: a tensor of shape \[3,\s?2\] and strides .* use reshape/);
    expect(x.mT.reshape(6).toArray()).toEqual([0, 3, 1, 4, 2, 5]); // reshape copies instead
  });

  it('pass gradients back to the original shape', () => {
    const x = f64([3, 4]);
    expect(gradcheck((t) => t.view(2, 6).mul(t.reshape(4, 3).reshape(12).view(6, 2).mT), [x]).ok).toBe(true);
    expect(gradgradcheck((t) => t.view(12).mul(t.view(12)), [x]).ok).toBe(true);
  });
});

describe('clone', () => {
  it('copies into new storage, keeping shape and dtype', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const y = x.clone();
    expect(y).not.toBe(x);
    expect(y.value.data).not.toBe(x.value.data);
    expect(y.shape).toEqual([2, 2]);
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual(x.toArray());
    y.value.data.fill(9);
    expect(x.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor([1, 2], { dtype: 'int32' }).clone().dtype).toBe('int32');
  });

  it('passes gradients through unchanged (gradcheck and gradgradcheck)', () => {
    const x = f64([2, 3]);
    expect(gradcheck((t) => t.clone().mul(t), [x]).ok).toBe(true);
    expect(gradgradcheck((t) => t.clone().mul(t).clone(), [x]).ok).toBe(true);
    const y = tensor([1, 2], { requiresGrad: true });
    y.clone().sum().backward();
    expect(y.grad!.toArray()).toEqual([1, 1]);
  });
});

describe('.T and .mT', () => {
  it('are properties: .T reverses every axis, .mT swaps the last two', () => {
    const x = arange(0, 24).reshape(2, 3, 4);
    expect(x.T.shape).toEqual([4, 3, 2]);
    expect(x.mT.shape).toEqual([2, 4, 3]);
    expect(x.T.toArray()).toEqual(x.permute([2, 1, 0]).toArray());
    expect(x.mT.toArray()).toEqual(x.transpose(1, 2).toArray());
    const m = arange(0, 6).reshape(2, 3);
    expect(m.T.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(m.T.toArray()).toEqual(m.mT.toArray());
    const v = arange(0, 3);
    expect(v.T).toBe(v); // 0-d and 1-d: itself, as PyTorch
    expect(() => v.mT).toThrow(ShapeError);
  });

  it('carry gradients (gradcheck and gradgradcheck)', () => {
    const x = f64([2, 3, 4]);
    expect(gradcheck((t) => t.T.mul(t.T).sum(0), [x]).ok).toBe(true);
    expect(gradgradcheck((t) => t.mT.matmul(t), [x]).ok).toBe(true);
  });
});

describe('size() and numel()', () => {
  it('size() is the shape, size(dim) one dimension; numel() the element count', () => {
    const x = arange(0, 24).reshape(2, 3, 4);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size()).not.toBe(x.shape); // a copy: changing it changes nothing
    expect([x.size(0), x.size(1), x.size(2), x.size(-1), x.size(-3)]).toEqual([2, 3, 4, 4, 2]);
    expect(x.numel()).toBe(24);
    const s = tensor(5);
    expect([s.size(), s.numel()]).toEqual([[], 1]);
    expect(arange(0, 0).numel()).toBe(0);
  });

  it('size(dim) refuses a dimension out of range', () => {
    const x = arange(0, 6).reshape(2, 3);
    expect(() => x.size(2)).toThrow(/size/);
    expect(() => x.size(-3)).toThrow(/size/);
    expect(() => tensor(5).size(0)).toThrow(/size/);
  });
});
