// A leaf keeps a rule's fresh result as its .grad without a copy (engine/fresh.ts); every gradient
// that may be shared with something else (an incoming gradient passed through, a view, a seed, a
// hook's replacement, a custom op's result) is still copied, so no two holders ever share storage.
import { describe, expect, it } from 'vitest';
import { Tensor, add, customOp, mul, runBackward, tensor } from '../src/index.js';
import { isFreshGrad } from '../src/engine/fresh.js';

const f64 = (v: number[] | number[][], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });
const values = (t: Tensor): number[] => Array.from(t.value.contiguous().data as Float64Array);
/** Whether two tensors share a typed array (writing one would change the other). */
const shares = (a: Tensor, b: Tensor): boolean => a.value.data === b.value.data;

describe('leaves keep fresh gradients without a copy', () => {
  it('owns a fresh rule result: the leaf gradient is that array, and it is correct', () => {
    const x = f64([1, 2, 3]),
      w = f64([4, 5, 6]);
    let seen: Tensor | undefined;
    x.registerHook((g) => {
      seen = g;
    });
    mul(x, w).backward(f64([1, 1, 1], false));
    expect(values(x.grad!)).toEqual([4, 5, 6]);
    expect(x.grad).toBe(seen); // not copied: the tensor the hook saw is .grad
  });

  it('x·x: two fresh results for one leaf sum correctly (the second is added into the first)', () => {
    const x = f64([1, -2, 3]);
    mul(x, x).backward(f64([1, 10, 100], false));
    expect(values(x.grad!)).toEqual([2, -40, 600]);
  });

  it('a leaf fed the seed through add gets a copy, not the seed', () => {
    const a = f64([1, 2]),
      b = f64([3, 4]);
    const seed = f64([5, 6], false);
    add(a, b).backward(seed);
    expect(shares(a.grad!, seed)).toBe(false);
    expect(shares(b.grad!, seed)).toBe(false);
    expect(shares(a.grad!, b.grad!)).toBe(false); // two leaves fed from one add: two arrays
    a.grad!.value.data[0] = 99;
    expect(values(b.grad!)).toEqual([5, 6]);
    expect(values(seed)).toEqual([5, 6]);
  });

  it("x + x: the sum of the passed-through gradient twice is the engine's own, the seed untouched", () => {
    const x = f64([1, 2]);
    const seed = f64([5, 6], false);
    add(x, x).backward(seed);
    expect(values(x.grad!)).toEqual([10, 12]);
    expect(values(seed)).toEqual([5, 6]);
    expect(shares(x.grad!, seed)).toBe(false);
  });

  it('a fresh result and a passed-through gradient for one leaf: summed into fresh storage, the seed untouched', () => {
    // y = x·w + x: add passes the seed to x and to the product, whose rule makes a fresh x gradient
    for (const order of ['fresh first', 'fresh last'] as const) {
      const x = f64([1, 2]),
        w = f64([3, 4]);
      const seed = f64([1, 10], false);
      (order === 'fresh first' ? add(mul(x, w), x) : add(x, mul(x, w))).backward(seed);
      expect(values(x.grad!)).toEqual([4, 50]);
      expect(values(seed)).toEqual([1, 10]);
      expect(shares(x.grad!, seed)).toBe(false);
    }
  });

  it('a leaf used through a view (reshape, transpose) gets a copy of the viewed gradient', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const seed = f64([1, 2, 3, 4], false);
    x.reshape([4]).backward(seed);
    expect(shares(x.grad!, seed)).toBe(false);
    expect(values(x.grad!)).toEqual([1, 2, 3, 4]);
    const y = f64([
      [1, 2],
      [3, 4],
    ]);
    const out = mul(
      y.mT,
      f64(
        [
          [1, 1],
          [1, 1],
        ],
        false,
      ),
    ); // y's gradient: the transposed fresh product
    out.backward(
      f64(
        [
          [1, 2],
          [3, 4],
        ],
        false,
      ),
    );
    expect(y.grad!.value.isContiguous).toBe(true);
    expect(values(y.grad!)).toEqual([1, 3, 2, 4]);
  });

  it('a non-leaf gradient kept with retainGrad is not shared with a leaf', () => {
    const x = f64([1, 2, 3]);
    const h = mul(x, 2).retainGrad();
    const seed = f64([[1, 2, 3]], false);
    h.reshape([1, 3]).backward(seed);
    expect(values(h.grad!)).toEqual([1, 2, 3]);
    expect(values(x.grad!)).toEqual([2, 4, 6]);
    expect(shares(h.grad!, x.grad!)).toBe(false);
    expect(shares(h.grad!, seed)).toBe(false);
  });

  it("a leaf hook's replacement is copied (the hook's owner may change it later)", () => {
    const x = f64([1, 2]),
      w = f64([3, 4]);
    const replacement = f64([7, 8], false);
    x.registerHook(() => replacement);
    mul(x, w).backward(f64([1, 1], false));
    expect(values(x.grad!)).toEqual([7, 8]);
    replacement.value.data[0] = 0;
    expect(values(x.grad!)).toEqual([7, 8]);
  });

  it("a custom op's result is copied (its backward may return storage it keeps)", () => {
    const kept = f64([9, 9], false);
    const op = customOp({
      name: 'returnsKept',
      forward: (a) => a.contiguous(),
      backward: () => [kept],
    });
    const x = f64([1, 2]);
    op(x).backward(f64([1, 1], false));
    expect(values(x.grad!)).toEqual([9, 9]);
    expect(shares(x.grad!, kept)).toBe(false);
  });

  it('a later backward accumulates into a new tensor: an earlier .grad someone holds is left as it was', () => {
    const x = f64([1, 2]),
      w = f64([3, 4]);
    const y = mul(x, w);
    y.backward(f64([1, 1], false), { retainGraph: true });
    const first = x.grad!;
    y.backward(f64([1, 1], false));
    expect(values(first)).toEqual([3, 4]);
    expect(values(x.grad!)).toEqual([6, 8]);
  });

  it('targets get the fresh result, and a seed passed through is copied', () => {
    const x = f64([1, 2]),
      w = f64([3, 4]);
    const seed = f64([1, 1], false);
    const [gx, gw] = runBackward([mul(x, w)], [seed], { targets: [x, w] });
    expect(values(gx!)).toEqual([3, 4]);
    expect(values(gw!)).toEqual([1, 2]);
    const [gs] = runBackward([add(x, w)], [seed], { targets: [x] });
    expect(shares(gs!, seed)).toBe(false);
  });
});

describe('isFreshGrad', () => {
  const x = f64([1, 2, 3]),
    w = f64([4, 5, 6]);
  const y = mul(x, w);
  const node = y.node!;
  const g = f64([1, 1, 1], false);
  const fresh = (): Tensor => f64([7, 8, 9], false);

  it('accepts a new whole contiguous array', () => {
    expect(isFreshGrad(node, g, [fresh(), null], 0)).toBe(true);
  });

  it('refuses the incoming gradient, views of it, the inputs, the output, and one array returned twice', () => {
    expect(isFreshGrad(node, g, [g, null], 0)).toBe(false);
    expect(isFreshGrad(node, g, [new Tensor(g.value.reshape([3, 1]).reshape([3])), null], 0)).toBe(false);
    expect(isFreshGrad(node, g, [w, null], 0)).toBe(false);
    expect(isFreshGrad(node, g, [x, null], 0)).toBe(false);
    expect(isFreshGrad(node, g, [y, null], 0)).toBe(false);
    const t = fresh();
    expect(isFreshGrad(node, g, [t, t], 0)).toBe(false);
    expect(isFreshGrad(node, g, [t, new Tensor(t.value.reshape([3]))], 1)).toBe(false);
  });

  it('refuses partial or strided views, 0-d and one-element arrays', () => {
    const big = f64([1, 2, 3, 4], false);
    expect(isFreshGrad(node, g, [new Tensor(big.value.slice(0, 1, 4)), null], 0)).toBe(false);
    expect(isFreshGrad(node, g, [new Tensor(big.value.slice(0, 0, 3)), null], 0)).toBe(false);
    expect(
      isFreshGrad(
        node,
        g,
        [
          new Tensor(
            f64(
              [
                [1, 2],
                [3, 4],
              ],
              false,
            ).value.transpose(),
          ),
          null,
        ],
        0,
      ),
    ).toBe(false);
    expect(isFreshGrad(node, g, [tensor(1, { dtype: 'float64' }), null], 0)).toBe(false);
    expect(isFreshGrad(node, g, [f64([1], false), null], 0)).toBe(false);
  });
});
