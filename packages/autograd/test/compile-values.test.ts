// compile never freezes a value computed from the inputs: copies made by reshape and contiguous(),
// determinants walked on the host, and checks of values (singular matrices, casts to int32) are
// all redone on each replay, even when the two recorded calls saw the same inputs.
import { Tensor, cholesky, compile, det, inv, noGrad, slogdet, tensor } from '@chainrule/autograd';
import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';

const bits = (t: Tensor): number[] => Array.from(t.value.contiguous().data as ArrayLike<number>);

/** Calls `f` compiled on a, a (the recordings), then on each of `rest` (replays), against eager `f`. */
function agreesAfterSameRecordings(f: (x: Tensor) => Tensor, a: Tensor, rest: readonly Tensor[]): void {
  const g = compile(f);
  for (const x of [a, a, ...rest]) expect(bits(g(x))).toEqual(bits(f(x)));
  expect(g.stats.replayed).toBe(rest.length);
}

const m = (rows: number[][]) => tensor(rows, { dtype: 'float64' });

describe('compile recomputes values made from the inputs', () => {
  it('replays the copy a reshape of a transposed view makes', () => {
    const f = (x: Tensor) => x.mul(2).transpose(0, 1).reshape([6]).mul(1);
    agreesAfterSameRecordings(
      f,
      m([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      [
        m([
          [10, 20, 30],
          [40, 50, 60],
        ]),
      ],
    );
  });

  it('replays determinants, log-determinants, inverses and their gradients', () => {
    const a = m([
        [2, 1],
        [1, 3],
      ]),
      b = m([
        [5, 1],
        [1, 3],
      ]),
      c = m([
        [-1, 4],
        [2, 0.5],
      ]);
    agreesAfterSameRecordings((x) => det(x).mul(1), a, [b, c]);
    agreesAfterSameRecordings((x) => slogdet(x).logabsdet.add(slogdet(x).sign), a, [b, c]);
    agreesAfterSameRecordings((x) => inv(x).sum(), a, [b, c]);
    agreesAfterSameRecordings((x) => cholesky(x).sum(), a, [b]);
    const grad = (x: Tensor): Tensor => {
      const p = x.clone().requiresGrad_(true);
      det(p).backward();
      return p.grad!;
    };
    agreesAfterSameRecordings(grad, a, [b, c]);
  });

  it('checks values again on replay: a singular matrix, a non-positive-definite one, a cast out of int32', () => {
    const spd = m([
      [2, 1],
      [1, 3],
    ]);
    /** Records `f` twice on a good matrix, then replays it on `bad`, which must throw `error`. */
    const throwsOnReplay = (f: (x: Tensor) => Tensor, bad: Tensor, error: RegExp): void => {
      const g = compile(f);
      g(spd);
      g(spd);
      expect(() => g(bad)).toThrow(error);
      expect(g.stats.replayed).toBe(1);
    };
    throwsOnReplay(
      (x) => inv(x).sum(),
      m([
        [1, 2],
        [2, 4],
      ]),
      /inv: the matrix is singular/,
    );
    throwsOnReplay(
      (x) => cholesky(x).sum(),
      m([
        [1, 2],
        [2, 1],
      ]),
      /cholesky: the matrix is not positive-definite/,
    );
    const h = compile((x: Tensor) => x.mul(2).cast('int32'));
    h(tensor([1.5, 2]));
    h(tensor([1.5, 2]));
    expect(() => h(tensor([3e9, 2]))).toThrow(T.RangeError);
    expect(h.stats.replayed).toBe(1);
  });

  it('runs eagerly when JavaScript writes into an array a kernel made (a replay could not repeat it)', () => {
    const body = (x: Tensor): Tensor => {
      const y = x.mul(2);
      (y.value.data as Float64Array)[0] = 7; // a write no kernel records
      return y.add(1);
    };
    const f = compile(body);
    for (const v of [1, 1, 2, 3]) expect(bits(f(m([[v, v]])))).toEqual(bits(body(m([[v, v]]))));
    expect(f.eagerReason(m([[1, 1]]))).toMatch(/JavaScript wrote values into an array a kernel made/);
    expect(f.stats.replayed).toBe(0);
    const strict = compile(body, { fallback: false });
    expect(() => strict(m([[1, 1]]))).toThrow(/JavaScript wrote values/);
  });

  it('notices a JavaScript write that a later in-place kernel would hide', () => {
    const body = (x: Tensor): Tensor => {
      const y = x.mul(2);
      (y.value.data as Float64Array)[0] = 7; // not recorded...
      return noGrad(() => y.addInPlace(x)); // ...and then written by a kernel
    };
    const f = compile(body);
    for (const v of [1, 1, 2]) expect(bits(f(m([[v, v]])))).toEqual(bits(body(m([[v, v]]))));
    expect(f.eagerReason(m([[1, 1]]))).toMatch(/JavaScript wrote values/);
  });

  it("passes a kernel's arguments after its out slot on every replay (the LSTM cell's addends)", () => {
    const bias = T.fromTypedArray(Float64Array.from([0.5, -1, 2, 0.25, 1, -0.5, 0.125, 3]), [8]);
    const c = T.fromTypedArray(Float64Array.from([1, -2]), [1, 2]);
    const f = (x: Tensor): Tensor => {
      const h = x.mul(3).value; // a kernel's result: new values on each call
      return new Tensor(T.getBackend().fusedLstmCell(x.value, c, undefined, h, bias));
    };
    const row = (v: number) => m([[v, -v, 2 * v, 0.5, -1, v / 2, 3, -v]]);
    agreesAfterSameRecordings(f, row(1), [row(2), row(-0.75)]);
  });

  it('refuses options of the wrong type or range with typed errors', () => {
    const f = (x: Tensor) => x.exp();
    expect(() => compile(f, { fuse: 'no' } as never)).toThrow(T.DTypeError);
    expect(() => compile(f, { fallback: 1 } as never)).toThrow(/compile: fallback must be a boolean/);
    expect(() => compile(f, { maxRecordings: 1 })).toThrow(T.RangeError);
    expect(() => compile(f, { fuze: true } as never)).toThrow(/unknown option 'fuze'/);
    expect(() => compile(3 as never)).toThrow(/compile: expected a function/);
  });
});
