// A plain number beside an int32 or bool array (issue 16): a whole number int32 cannot hold is a
// RangeError naming the op and the value, never a silent wrap; fractions, NaN and ±∞ promote to float32.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';

const OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

describe('plain-number operands of int32 and bool arrays', () => {
  it('a whole number outside int32 is refused, either operand order, every binary op and where', () => {
    for (const op of OPS)
      for (const v of [1e10, 2 ** 31, -(2 ** 31) - 1, 2 ** 53])
        for (const x of [T.array([1, 2], 'int32'), T.array([true, false], 'bool')]) {
          const before = x.toArray();
          expect(() => T[op](x, v)).toThrow(T.RangeError);
          expect(() => T[op](v, x)).toThrow(
            `${op}: the number ${v} is outside int32's range [-2147483648, 2147483647]`,
          );
          expect(x.toArray()).toEqual(before);
        }
    expect(() => T.where(T.array([true, false], 'bool'), T.array([1, 2], 'int32'), 2 ** 31)).toThrow(
      "where: the number 2147483648 is outside int32's range",
    );
  });

  it('the ends of int32 stay int32; fractions, NaN and infinities give float32; float arrays take any number', () => {
    const x = T.array([1, 2], 'int32');
    expect(T.sub(x, 2 ** 31 - 1).dtype).toBe('int32');
    expect(T.add(x, -(2 ** 31)).toArray()).toEqual([-2147483647, -2147483646]);
    expect(T.add(x, 0.5).dtype).toBe('float32');
    expect(T.mul(x, Number.NaN).dtype).toBe('float32');
    expect(T.lt(x, Number.POSITIVE_INFINITY).toArray()).toEqual([true, true]);
    expect(T.add(T.array([1, 2], 'float64'), 1e10).toArray()).toEqual([1e10 + 1, 1e10 + 2]);
  });

  it('checkScalarOperand is the rule itself', () => {
    expect(() => T.checkScalarOperand('add', 1e10, 'int32')).toThrow("add: the number 10000000000 is outside int32's");
    expect(() => T.checkScalarOperand('add', 1e10, 'float32')).not.toThrow();
    expect(() => T.checkScalarOperand('add', 2 ** 31 - 1, 'int32')).not.toThrow();
  });
});
