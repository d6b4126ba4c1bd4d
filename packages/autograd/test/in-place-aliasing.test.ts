import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, type Tensor, noGrad, tensor } from '../src/index.js';

/** What an in-place op must produce: the out-of-place op on copies of both operands. */
function expected(target: Tensor, source: Tensor, op: 'add' | 'mul' | 'copy'): unknown {
  const t = tensor(target.value.contiguous().toArray() as number[], { dtype: 'float64' });
  const s = tensor(source.value.contiguous().toArray() as number[], { dtype: 'float64' });
  return op === 'copy' ? s.toArray() : t[op](s).toArray();
}

describe('in-place ops whose operand overlaps the target', () => {
  it.each([
    [
      'x += xᵀ',
      (x: Tensor) => x.addInPlace(x.mT),
      [
        [2, 5],
        [5, 8],
      ],
    ],
    [
      'x ← xᵀ',
      (x: Tensor) => x.copyInPlace(x.mT),
      [
        [1, 3],
        [2, 4],
      ],
    ],
    [
      'x += x',
      (x: Tensor) => x.addInPlace(x),
      [
        [2, 4],
        [6, 8],
      ],
    ],
    [
      'x += 2·xᵀ (fused)',
      (x: Tensor) => x.addScaledInPlace(x.mT, 2),
      [
        [3, 8],
        [7, 12],
      ],
    ],
  ])('%s reads the operand before any of it is overwritten', (_name, op, want) => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    op(x);
    expect(x.toArray()).toEqual(want);
  });

  it('shifted and reversed slices of one buffer', () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'float64' });
    x.slice(0, 1).addInPlace(x.slice(0, 0, 3));
    expect(x.toArray()).toEqual([1, 3, 5, 7]);
    const y = tensor([1, 2, 3, 4], { dtype: 'float64' });
    y.mulInPlace(y.slice(0, undefined, undefined, -1));
    expect(y.toArray()).toEqual([4, 6, 6, 4]);
  });

  it('any two views of one buffer give what the out-of-place op gives (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.constantFrom('add', 'mul', 'copy'),
        (n, shift, reverse, op) => {
          const base = tensor(
            Array.from({ length: n + shift }, (_, i) => i + 1),
            { dtype: 'float64' },
          );
          const target = base.slice(0, shift, shift + n);
          const source = reverse ? base.slice(0, 0, n).slice(0, undefined, undefined, -1) : base.slice(0, 0, n);
          const want = expected(target, source, op as 'add' | 'mul' | 'copy');
          noGrad(() =>
            op === 'add'
              ? target.addInPlace(source)
              : op === 'mul'
                ? target.mulInPlace(source)
                : target.copyInPlace(source),
          );
          expect(target.toArray()).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('in-place targets and dtypes', () => {
  it('refuses a broadcast (stride 0) target, leaving the storage unchanged', () => {
    const b = tensor([0]);
    expect(() => b.expand([3]).addInPlace(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => b.expand([3]).addInPlace(tensor([1, 2, 3]))).toThrow(
      'addInPlace: the target is a broadcast view (stride 0 on axis 0 of shape [3])',
    );
    expect(b.toArray()).toEqual([0]);
  });
  it('refuses results of a wider kind (float into int), leaving the tensor unchanged', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => i.addInPlace(0.5)).toThrow(DTypeError);
    expect(() => i.mulInPlace(tensor([1.5, 2.5]))).toThrow(
      'mulInPlace: the result type float32 cannot be stored in the int32 tensor written in place',
    );
    expect(() => i.divInPlace(2)).toThrow(DTypeError);
    expect(i.toArray()).toEqual([1, 2]);
    expect(i.addInPlace(2).toArray()).toEqual([3, 4]);
  });
  it('allows narrowing within a kind, as PyTorch (float64 operand into a float32 tensor)', () => {
    const f = tensor([1, 2]);
    f.addInPlace(tensor([0.5, 0.25], { dtype: 'float64' }));
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([1.5, 2.25]);
  });
});
