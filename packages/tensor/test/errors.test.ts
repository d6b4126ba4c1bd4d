import { describe, expect, it } from 'vitest';
import { DTypeError, RangeError, ShapeError, add, array, fmtShape, matmul, sum, where, zeros } from '@chainrule/tensor';

/** Runs f and returns what it threw. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('error messages of issue #2', () => {
  const cases: [string, () => unknown, new (...args: never[]) => Error][] = [
    [
      'matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)',
      () => matmul(zeros([2, 3]), zeros([4, 5])),
      ShapeError,
    ],
    [
      'add: shapes [3] and [4] cannot be broadcast (dimension 0: 3 vs 4)',
      () => add(zeros([3]), zeros([4])),
      ShapeError,
    ],
    ['sum: axis 2 is out of range for a tensor of rank 2', () => sum(zeros([2, 3]), 2), RangeError],
    ['reshape: shape [4] is invalid for 6 elements', () => zeros([6]).reshape([4]), ShapeError],
  ];
  for (const [message, f, cls] of cases) {
    it(message, () => {
      const e = thrown(f) as Error;
      expect(e).toBeInstanceOf(cls);
      expect(e.message).toBe(message);
    });
  }
});

describe('error classes', () => {
  it('ShapeError, DTypeError and RangeError carry the op and a name', () => {
    const s = thrown(() => add(zeros([3]), zeros([4]))) as ShapeError;
    expect(s).toBeInstanceOf(Error);
    expect(s.name).toBe('ShapeError');
    expect(s.op).toBe('add');
    const d = thrown(() => where(array([1, 0]), 1, 2)) as DTypeError;
    expect(d).toBeInstanceOf(DTypeError);
    expect(d).toBeInstanceOf(TypeError);
    expect(d.name).toBe('DTypeError');
    expect(d.op).toBe('where');
    expect(d.message).toBe('where: condition must be bool, got float32');
    const r = thrown(() => sum(zeros([2, 3]), -3)) as RangeError;
    expect(r).toBeInstanceOf(RangeError);
    expect(r).toBeInstanceOf(globalThis.RangeError); // also the built-in RangeError
    expect(r.name).toBe('RangeError');
    expect(r.op).toBe('sum');
    expect(r.message).toBe('sum: axis -3 is out of range for a tensor of rank 2');
  });

  it('the classes are distinct', () => {
    const s = new ShapeError('op', 'x');
    expect(s).not.toBeInstanceOf(RangeError);
    expect(s).not.toBeInstanceOf(DTypeError);
    expect(new RangeError('op', 'x')).not.toBeInstanceOf(ShapeError);
    expect(String(new ShapeError('concat', 'bad'))).toBe('ShapeError: concat: bad');
    expect(fmtShape([2, 3])).toBe('[2,3]');
    expect(fmtShape([])).toBe('[]');
  });
});
