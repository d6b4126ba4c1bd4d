// A plain number beside an int32 or bool tensor (issue 16): a fractional one promotes to float32
// (PyTorch's rule for a Python float), a whole one is taken as int32, and a whole one int32 cannot
// hold is refused with a RangeError naming the op and the value, never wrapped. autograd and the
// tensor package give the same results and the same errors.
import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import * as A from '../src/index.js';

type Op = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const OPS: Op[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const TOO_BIG = [1e10, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, -1e300];

/** What a call gives: its error's class and message, or its result's dtype and values. */
function outcome(call: () => T.NDArray | A.Tensor): string {
  try {
    const r = call();
    const v = r instanceof A.Tensor ? r.value : r;
    return `${v.dtype} ${JSON.stringify(v.toArray())}`;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

const ints = () => T.array([1, -2, 3], 'int32');
const bools = () => T.array([true, false, true], 'bool');

describe('plain-number operands of int and bool tensors', () => {
  it('a whole number outside int32 is refused with a RangeError naming the op and the value', () => {
    for (const op of OPS)
      for (const v of TOO_BIG)
        for (const [x, first] of [
          [ints(), true],
          [bools(), false],
        ] as const) {
          const t = A.tensor(x);
          const call = first ? () => A[op](t, v) : () => A[op](v, t);
          expect(call, `${op} ${v}`).toThrow(T.RangeError);
          expect(call).toThrow(`${op}: the number ${v} is outside int32's range [-2147483648, 2147483647]`);
          expect(t.value.toArray()).toEqual(x.toArray()); // nothing changed
        }
  });

  it('where refuses one too, naming where', () => {
    const cond = A.tensor([true, false, true]);
    expect(() => A.where(cond, A.tensor(ints()), 1e10)).toThrow(
      "where: the number 10000000000 is outside int32's range",
    );
  });

  it('int32 range ends, fractions, NaN and infinities are fine', () => {
    const x = A.tensor(ints());
    expect(A.add(x, 2 ** 31 - 1).dtype).toBe('int32');
    expect(A.sub(x, -(2 ** 31)).dtype).toBe('int32');
    expect(A.add(x, 1.5).dtype).toBe('float32');
    expect(A.add(x, 1.5).toArray()).toEqual([2.5, -0.5, 4.5]);
    expect(A.add(x, 1e10 + 0.5).dtype).toBe('float32'); // not a whole number: float32, as a Python float
    expect(A.mul(x, NaN).dtype).toBe('float32');
    expect(A.lt(x, Infinity).toArray()).toEqual([true, true, true]);
    expect(A.add(A.tensor([1, 2]), 1e10).toArray()).toEqual([Math.fround(1e10 + 1), Math.fround(1e10 + 2)]);
  });

  it('autograd and the tensor package agree on every op, operand order and value', () => {
    const values = [...TOO_BIG, 0, 7, -7, 1.5, NaN, -Infinity, 2 ** 31 - 1, -(2 ** 31)];
    const disagreements: string[] = [];
    for (const op of OPS)
      for (const v of values)
        for (const make of [ints, bools]) {
          const cases: [string, () => T.NDArray, () => A.Tensor][] = [
            [`${op}(x, ${v})`, () => T[op](make(), v), () => A[op](A.tensor(make()), v)],
            [`${op}(${v}, x)`, () => T[op](v, make()), () => A[op](v, A.tensor(make()))],
          ];
          for (const [name, t, a] of cases) {
            const [ot, oa] = [outcome(t), outcome(a)];
            if (ot !== oa) disagreements.push(`${name} ${make().dtype}\n  tensor:   ${ot}\n  autograd: ${oa}`);
          }
        }
    expect(disagreements).toEqual([]);
  });
});

describe('in-place ops with plain numbers', () => {
  it('refuse a whole number int32 cannot hold, leaving the tensor as it was', () => {
    const t = A.tensor([1, 2, 3], { dtype: 'int32' });
    for (const v of TOO_BIG) {
      expect(() => t.addInPlace(v)).toThrow(T.RangeError);
      expect(() => t.mulInPlace(v)).toThrow(/mulInPlace|mul/);
    }
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(t.version).toBe(0);
    t.addInPlace(2);
    expect(t.toArray()).toEqual([3, 4, 5]);
  });
});
