// The version counter belongs to the storage: every tensor that sees a storage sees every in-place
// write to it, however the tensor came to see it (issue 16, defect 1).
import * as T from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { AutogradError, type Tensor, noGrad, tensor } from '../src/index.js';

const IN_PLACE = /modified by an in-place operation/;

/** y = Σ x·c with x = [1, 2] requiring grad (mul saves c), then `write`, then backward. */
function backwardAfter(c: Tensor, write: () => void): { x: Tensor; run: () => void } {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(c).sum();
  write();
  return { x, run: () => y.backward() };
}

describe('tensors around the same storage share its version counter', () => {
  it('the issue: a write through a second tensor(ndarray) is caught, not a silent wrong gradient', () => {
    const arr = T.array([3, 4]);
    const { x, run } = backwardAfter(tensor(arr), () => tensor(arr).mulInPlace(10));
    const error = (() => {
      try {
        run();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AutogradError);
    expect((error as Error).message).toMatch(
      /the input 1 of 'mul' \(shape \[2\]\) is at version 1; expected version 0/,
    );
    expect(x.grad).toBe(null);
  });

  it('two tensors around one typed array', () => {
    const data = new Float32Array([3, 4]);
    const { run } = backwardAfter(tensor(data), () => tensor(data).addInPlace(1));
    expect(run).toThrow(IN_PLACE);
  });

  it('typed arrays over one buffer (a subarray) share it', () => {
    const data = new Float32Array([0, 3, 4]);
    const { run } = backwardAfter(tensor(data.subarray(1)), () => tensor(data).addInPlace(1));
    expect(run).toThrow(IN_PLACE);
  });

  it('an NDArray view wrapped on its own (not through an op) shares it', () => {
    const arr = T.array([
      [3, 4],
      [5, 6],
    ]);
    const { run } = backwardAfter(tensor(arr.select(0, 0)), () => tensor(arr.transpose()).mulInPlace(2));
    expect(run).toThrow(IN_PLACE);
  });

  it('versions agree between all of them, and a fresh wrapper starts at the storage version', () => {
    const arr = T.array([1, 2]);
    const a = tensor(arr);
    a.addInPlace(1);
    const b = tensor(arr);
    expect([a.version, b.version]).toEqual([1, 1]);
    b.addInPlace(1);
    expect([a.version, b.version, a.detach().version]).toEqual([2, 2, 2]);
    expect(a.versionCounter).toBe(b.versionCounter);
  });

  it('a tensor recorded after an earlier write is not flagged: only later writes count', () => {
    const arr = T.array([3, 4]);
    tensor(arr).mulInPlace(10); // before the graph is recorded
    const { x, run } = backwardAfter(tensor(arr), () => undefined);
    run();
    expect(x.grad!.toArray()).toEqual([30, 40]);
  });

  it('detach() and op views still share it', () => {
    const c = tensor([3, 4]);
    expect(backwardAfter(c.detach(), () => c.addInPlace(1)).run).toThrow(IN_PLACE);
    const d = tensor([3, 4]);
    expect(backwardAfter(d.reshape([2]).expand([2]), () => d.detach().addInPlace(1)).run).toThrow(IN_PLACE);
  });

  it("a write through tensor(result.value) is seen by an op's result (its output saved by the rule)", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const e = x.exp(); // exp's rule reads its output
    tensor(e.value).addInPlace(1);
    expect(e.version).toBe(1);
    expect(() => e.sum().backward()).toThrow(/the output of 'exp'/);
  });

  it('writes to unrelated storage never flag a graph (nor change a version)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const y = x.mul(c).sum();
    for (let i = 0; i < 3; i++) tensor([5, 6]).addInPlace(1); // each makes a counter for new storage
    noGrad(() => tensor(T.array([7])).mulInPlace(2));
    expect([x.version, c.version]).toEqual([0, 0]);
    y.backward();
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });

  it('separate storage stays separate (a copy with equal values)', () => {
    const other = tensor(T.array([3, 4]));
    const { x, run } = backwardAfter(other, () => tensor(T.getBackend().copy(other.value, 'float32')).mulInPlace(10));
    run();
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });
});

describe('scalar-path results: the counter belongs to the element, not to the shared chunk', () => {
  /** Two 0-d results of the scalar path that sit in one 64-byte chunk. */
  function neighbours(): [Tensor, Tensor] {
    const c = tensor(1);
    for (;;) {
      const a = c.mul(2),
        b = c.mul(3);
      if (a.value.data === b.value.data) return [a, b];
    }
  }

  it('a write to one scalar is not a write to its neighbour in the chunk', () => {
    const [a, b] = neighbours();
    const w = tensor(5, { requiresGrad: true });
    const y = w.mul(b); // saves b
    a.addInPlace(1);
    expect([a.version, b.version]).toEqual([1, 0]);
    y.backward();
    expect(w.grad!.item()).toBe(3);
  });

  it('a write through tensor(result.value) is seen by the result', () => {
    const [, b] = neighbours();
    const w = tensor(5, { requiresGrad: true });
    const y = w.mul(b);
    tensor(b.value).mulInPlace(10);
    expect(b.version).toBe(1);
    expect(() => y.backward()).toThrow(IN_PLACE);
    expect(w.grad).toBe(null);
  });

  it('a write through an op view of a scalar result is seen by the result, not by its neighbour', () => {
    const [a, b] = neighbours();
    const w = tensor(5, { requiresGrad: true });
    const y = w.mul(b);
    const z = w.mul(a);
    b.reshape([1]).addInPlace(1);
    expect([a.version, b.version]).toEqual([0, 1]);
    expect(() => y.backward()).toThrow(IN_PLACE);
    z.backward();
    expect(w.grad!.item()).toBe(2);
  });

  it('a scalar parameter updated under noGrad is caught in a graph recorded before the update', () => {
    const w = tensor(0.5, { requiresGrad: true });
    const s = w.mul(w); // saves w twice
    noGrad(() => w.subInPlace(0.1));
    expect(() => s.backward()).toThrow(IN_PLACE);
  });
});
