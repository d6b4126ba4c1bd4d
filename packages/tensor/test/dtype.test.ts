import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import {
  type DType,
  DTYPES,
  array,
  cast,
  concat,
  matmul,
  mean,
  promoteTypes,
  promoteWithScalar,
  sum,
  where,
  zeros,
} from '@chainrule/tensor';
import { values } from './helpers.js';

const ORDER: DType[] = ['bool', 'int32', 'float32', 'float64'];
/** The promotion lattice, a total order: the wider of the two. */
const wider = (a: DType, b: DType): DType => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);
const isFloatType = (d: DType): boolean => d === 'float32' || d === 'float64';

function sample(dtype: DType): T.NDArray {
  return dtype === 'bool' ? array([true, false, true]) : array([1, 2, 3], dtype);
}

describe('dtype promotion', () => {
  it('promoteTypes is the order bool < int32 < float32 < float64 (commutative, associative)', () => {
    expect([...DTYPES].sort()).toEqual([...ORDER].sort());
    for (const a of ORDER)
      for (const b of ORDER) {
        expect(promoteTypes(a, b)).toBe(wider(a, b));
        expect(promoteTypes(a, b)).toBe(promoteTypes(b, a));
        for (const c of ORDER) expect(promoteTypes(promoteTypes(a, b), c)).toBe(promoteTypes(a, promoteTypes(b, c)));
      }
  });

  it('array ⊕ array: arithmetic gives the wider dtype (bool ⊕ bool gives int32), div always a float', () => {
    for (const a of ORDER)
      for (const b of ORDER) {
        const w = wider(a, b);
        const arith = w === 'bool' ? 'int32' : w;
        for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'pow'] as const)
          expect(T[op](sample(a), sample(b)).dtype, `${op}(${a}, ${b})`).toBe(arith);
        expect(T.div(sample(a), sample(b)).dtype).toBe(isFloatType(w) ? w : 'float32');
        for (const op of ['eq', 'lt', 'ge'] as const) expect(T[op](sample(a), sample(b)).dtype).toBe('bool');
      }
  });

  it('the documented cases, with their values', () => {
    const i = array([1, 2, 3], 'int32');
    const f32 = array([0.5, 0.25, 0.125], 'float32');
    const f64 = array([0.1, 0.2, 0.3], 'float64');
    const b = array([true, false, true]);
    expect(T.add(i, f32).dtype).toBe('float32');
    expect(values(T.add(i, f32))).toEqual([1.5, 2.25, 3.125]);
    expect(T.add(i, f64).dtype).toBe('float64');
    expect(values(T.add(i, f64))).toEqual([1 + 0.1, 2 + 0.2, 3 + 0.3]);
    expect(T.add(f32, f64).dtype).toBe('float64');
    expect(values(T.add(f32, f64))).toEqual([0.5 + 0.1, 0.25 + 0.2, 0.125 + 0.3]);
    expect(T.add(b, i).dtype).toBe('int32');
    expect(values(T.add(b, i))).toEqual([2, 2, 4]);
    expect(T.add(b, b).dtype).toBe('int32');
    expect(values(T.add(b, b))).toEqual([2, 0, 2]);
    expect(T.div(i, array([2, 4, 8], 'int32')).dtype).toBe('float32');
    expect(values(T.div(i, array([2, 4, 8], 'int32')))).toEqual([0.5, 0.5, 0.375]);
    expect(values(T.div(array([1], 'int32'), array([3], 'int32')))).toEqual([Math.fround(1 / 3)]);
  });

  it('array ⊕ plain number: a number never widens a float array; for ints, a fraction gives float32', () => {
    for (const d of ORDER) {
      const x = sample(d);
      expect(T.add(x, 2).dtype).toBe(isFloatType(d) ? d : 'int32');
      expect(T.add(2, x).dtype).toBe(isFloatType(d) ? d : 'int32');
      expect(T.mul(x, 2.5).dtype).toBe(isFloatType(d) ? d : 'float32');
      expect(promoteWithScalar(d, 2)).toBe(isFloatType(d) ? d : 'int32');
    }
    // the scalar is stored in the array's dtype: float32 0.1 then a float32 result
    expect(values(T.add(array([1], 'float32'), 0.1))).toEqual([Math.fround(1 + Math.fround(0.1))]);
    expect(values(T.add(array([1], 'float64'), 0.1))).toEqual([1.1]);
    expect(values(T.add(array([1], 'int32'), 0.5))).toEqual([1.5]);
    expect(T.add(array([1], 'int32'), 0.5).dtype).toBe('float32');
  });

  it('unary float functions make ints and bools float32; neg/abs keep ints, bools become int32', () => {
    for (const op of ['exp', 'log', 'sqrt', 'sin', 'tanh', 'sigmoid', 'erf', 'softplus', 'reciprocal'] as const) {
      expect(T[op](sample('int32')).dtype).toBe('float32');
      expect(T[op](sample('bool')).dtype).toBe('float32');
      expect(T[op](sample('float64')).dtype).toBe('float64');
    }
    expect(T.neg(sample('int32')).dtype).toBe('int32');
    expect(T.neg(sample('bool')).dtype).toBe('int32');
    expect(values(T.neg(sample('bool')))).toEqual([-1, -0, -1].map((v) => v | 0));
    expect(T.exp(array([1], 'int32')).item()).toBe(Math.fround(Math.E));
  });

  it('reductions, where, concat and matmul promote the same way', () => {
    expect(sum(sample('bool')).dtype).toBe('int32');
    expect(mean(sample('int32')).dtype).toBe('float32');
    expect(mean(sample('float64')).dtype).toBe('float64');
    expect(where(array([true, false, true]), sample('int32'), sample('float32')).dtype).toBe('float32');
    expect(where(array([true, false, true]), sample('int32'), 2.5).dtype).toBe('float32');
    expect(concat([sample('int32'), sample('float64')]).dtype).toBe('float64');
    expect(concat([sample('bool'), sample('int32')]).toArray()).toEqual([1, 0, 1, 1, 2, 3]);
    expect(matmul(zeros([2, 2], 'float32'), zeros([2, 2], 'float64')).dtype).toBe('float64');
  });

  it('cast converts values: float to int truncates toward zero, anything to bool is != 0 (NaN is true)', () => {
    const x = array([-1.7, -0.2, 0, 0.6, 2.9, NaN], 'float64');
    expect(values(cast(x.slice(0, 0, 5), 'int32'))).toEqual([-1, 0, 0, 0, 2]);
    expect(() => cast(x, 'int32')).toThrow('cast: value NaN at flat index 5'); // never a silent 0
    expect(cast(x, 'bool').toArray()).toEqual([true, true, false, true, true, true]);
    expect(values(cast(array([0.1], 'float64'), 'float32'))).toEqual([Math.fround(0.1)]);
    expect(x.transpose().cast('float32').dtype).toBe('float32');
  });
});
