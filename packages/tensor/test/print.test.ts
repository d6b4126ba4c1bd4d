import { describe, expect, it } from 'vitest';
import { arange, array, formatArray, zeros } from '@chainrule/tensor';

// Expected strings are written by hand after PyTorch's printing rules (torch/_tensor_str.py):
// floats with 4 decimals, integral floats as `1.`, scientific notation when the finite non-zero
// magnitudes span more than 1e3, exceed 1e8 or go below 1e-4; columns padded to the widest finite
// value; more than 1000 elements summarized with the first and last 3 of each axis.
describe('toString', () => {
  it('small arrays', () => {
    expect(
      array([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('array([[1., 2.],\n       [3., 4.]], dtype=float32)');
    expect(array([1.5, -2.25]).toString()).toBe('array([ 1.5000, -2.2500], dtype=float32)');
    expect(array([1, 2000], 'float64').toString()).toBe('array([1.0000e+00, 2.0000e+03], dtype=float64)');
    expect(array([0.00001, 1], 'float64').toString()).toBe('array([1.0000e-05, 1.0000e+00], dtype=float64)');
    expect(array([1e9, 2e9], 'float64').toString()).toBe('array([1.0000e+09, 2.0000e+09], dtype=float64)');
    expect(array([1, NaN, Infinity, -Infinity], 'float64').toString()).toBe(
      'array([1., nan, inf, -inf], dtype=float64)',
    );
    expect(array([NaN, 1.5], 'float64').toString()).toBe('array([   nan, 1.5000], dtype=float64)');
    expect(array([-5, 0, 12], 'int32').toString()).toBe('array([-5,  0, 12], dtype=int32)');
    expect(array([true, false]).toString()).toBe('array([ true, false], dtype=bool)');
    expect(array(3.5).toString()).toBe('array(3.5000, dtype=float32)');
    expect(array([0, 0]).toString()).toBe('array([0., 0.], dtype=float32)');
  });

  it('three dimensions get a blank line between blocks', () => {
    expect(arange(8).reshape([2, 2, 2]).toString()).toBe(
      'array([[[0, 1],\n' + '        [2, 3]],\n' + '\n' + '       [[4, 5],\n' + '        [6, 7]]], dtype=int32)',
    );
  });

  it('empty arrays', () => {
    expect(zeros([0]).toString()).toBe('array([], dtype=float32)');
    expect(zeros([2, 0]).toString()).toBe('array([], shape=[2, 0], dtype=float32)');
  });

  it('summarizes arrays of more than 1000 elements with ...', () => {
    expect(arange(2000).toString()).toBe('array([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)');
    expect(arange(2000).reshape([40, 50]).toString()).toBe(
      'array([[   0,    1,    2,  ...,   47,   48,   49],\n' +
        '       [  50,   51,   52,  ...,   97,   98,   99],\n' +
        '       [ 100,  101,  102,  ...,  147,  148,  149],\n' +
        '       ...,\n' +
        '       [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n' +
        '       [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n' +
        '       [1950, 1951, 1952,  ..., 1997, 1998, 1999]], dtype=int32)',
    );
    // short axes of a large array are shown whole
    expect(arange(2000).reshape([1000, 2]).toString()).toBe(
      'array([[   0,    1],\n' +
        '       [   2,    3],\n' +
        '       [   4,    5],\n' +
        '       ...,\n' +
        '       [1994, 1995],\n' +
        '       [1996, 1997],\n' +
        '       [1998, 1999]], dtype=int32)',
    );
    // the threshold is "more than 1000"
    expect(arange(1000).toString()).not.toContain('...');
    expect(formatArray(arange(1000)).split(',').length).toBe(1000);
    expect(arange(1001).toString()).toContain('...');
  });

  it('prints views by their logical layout', () => {
    const t = array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'int32',
    ).transpose();
    expect(t.toString()).toBe('array([[1, 4],\n       [2, 5],\n       [3, 6]], dtype=int32)');
  });

  it('formatArray takes precision, threshold and edgeItems', () => {
    expect(formatArray(array([1.23456, 2]), { precision: 2 })).toBe('[1.23, 2.00]');
    expect(formatArray(arange(10), { threshold: 5, edgeItems: 2 })).toBe('[0, 1,  ..., 8, 9]');
    expect(formatArray(arange(4).reshape([2, 2]))).toBe('[[0, 1],\n [2, 3]]');
  });
});
