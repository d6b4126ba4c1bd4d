// vmap composed with grad, jacobian and hessian, nested vmaps, in/out axes, and the errors.
import { describe, expect, it } from 'vitest';
import * as T from '@chainrule/tensor';
import { AutogradError, type Tensor, grad, hessian, jacobian, linear, stack, tensor, vmap } from '@chainrule/autograd';

const rng = new T.Rng(14);
const rand = (shape: number[]): Tensor =>
  new (tensor([0]).constructor as new (v: T.NDArray) => Tensor)(T.randn(shape, { rng, dtype: 'float64' }));

/** Equal within 1e-12 of the largest magnitude. */
function close(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = [a.toArray()].flat(8) as number[];
  const y = [b.toArray()].flat(8) as number[];
  const scale = Math.max(1, ...y.map(Math.abs));
  x.forEach((v, i) => {
    expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(1e-12 * scale);
  });
}

const slices = (x: Tensor): Tensor[] => [...Array(x.shape[0]).keys()].map((i) => x.select(0, i));

describe('vmap with the transforms', () => {
  // a small MLP loss for one example: per-example gradients are vmap(grad(loss))
  const w1 = rand([5, 3]),
    b1 = rand([5]),
    w2 = rand([1, 5]);
  const loss = (w: Tensor, x: Tensor, y: Tensor): Tensor =>
    linear(linear(x, w, b1).tanh(), w2)
      .sub(y)
      .square()
      .sum();

  it('vmap(grad(f)) gives per-example gradients (a parameter shared, the data batched)', () => {
    const xs = rand([4, 3]),
      ys = rand([4, 1]);
    const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(w1, xs, ys);
    expect(perExample.shape).toEqual([4, 5, 3]);
    const expected = stack(slices(xs).map((x, i) => grad(loss)(w1, x, ys.select(0, i))));
    close(perExample, expected);
    // the same when the shared parameter requires grad (as a model's parameters do)
    const wp = w1.detach().requiresGrad_();
    close(vmap(grad(loss), { inAxes: [null, 0, 0] })(wp, xs, ys), expected);
    // and their sum is the batch gradient
    const batch = grad((w: Tensor) => vmap((x: Tensor, y: Tensor) => loss(w, x, y))(xs, ys).sum())(w1);
    close(perExample.sum(0), batch);
  });

  it('grad(vmap(f)) differentiates through the batched computation', () => {
    const xs = rand([3, 4]);
    const f = (x: Tensor) => x.sin().mul(x.sum()).sum();
    const g = grad((x: Tensor) => vmap(f)(x).square().sum())(xs);
    const expected = stack(slices(xs).map((x) => grad((v: Tensor) => f(v).square())(x)));
    close(g, expected);
  });

  it('jacobian with vectorize gives the jacobian of the loop, for one and several arguments', () => {
    const x = rand([3]),
      y = rand([2, 3]);
    const f = (a: Tensor, b: Tensor) => b.matmul(a.exp()).mul(a.sum());
    close(jacobian(f, { vectorize: true })(x, y), jacobian(f)(x, y));
    const [ja, jb] = jacobian(f, { argnums: [0, 1], vectorize: true })(x, y);
    const [la, lb] = jacobian(f, { argnums: [0, 1] })(x, y);
    close(ja!, la!);
    close(jb!, lb!);
    const soft = (a: Tensor) => a.softmax(0);
    close(jacobian(soft, { vectorize: true })(x), jacobian(soft)(x));
    const scalar = (a: Tensor, b: Tensor) => b.matmul(a.exp()).square().sum().mul(a.sin().sum());
    close(hessian(scalar, { vectorize: true })(x, y), hessian(scalar)(x, y));
    const [[h00, h01], [h10, h11]] = hessian(scalar, { argnums: [0, 1], vectorize: true })(x, y);
    const [[l00, l01], [l10, l11]] = hessian(scalar, { argnums: [0, 1] })(x, y);
    close(h00!, l00!);
    close(h01!, l01!);
    close(h10!, l10!);
    close(h11!, l11!);
  });

  it('vmap(hessian(f)) and hessian of a function using vmap', () => {
    const xs = rand([3, 2]);
    const f = (x: Tensor) => x.pow(3).sum().mul(x.sin().sum());
    close(vmap(hessian(f))(xs), stack(slices(xs).map((x) => hessian(f)(x))));
    const h = hessian((x: Tensor) => vmap((r: Tensor) => f(r))(x.reshape([1, 2])).sum())(xs.select(0, 0));
    close(h, hessian(f)(xs.select(0, 0)));
  });

  it('nests: vmap(vmap(f)) maps over two axes', () => {
    const a = rand([2, 3, 4]),
      b = rand([3, 4]);
    const f = (x: Tensor, y: Tensor) => x.mul(y).sum().tanh();
    const out = vmap(vmap(f), { inAxes: [0, null] })(a, b);
    expect(out.shape).toEqual([2, 3]);
    const expected = stack(slices(a).map((m) => stack(slices(m).map((r, j) => f(r, b.select(0, j))))));
    close(out, expected);
    // the inner batch on axis 1 of the outer examples
    const outer1 = vmap(vmap(f, { inAxes: [1, 1] }), { inAxes: [0, null] })(a.permute([0, 2, 1]), b.permute([1, 0]));
    close(outer1, expected);
  });

  it('batches matmul for every rank pairing, either operand batched or both', () => {
    const pairs: [number[], number[]][] = [
      [[3], [3]],
      [[3], [3, 4]],
      [[2, 3], [3]],
      [
        [2, 3],
        [3, 4],
      ],
      [
        [5, 2, 3],
        [3, 4],
      ],
      [
        [2, 3],
        [5, 3, 4],
      ],
      [
        [5, 2, 3],
        [5, 3, 4],
      ],
    ];
    for (const [sa, sb] of pairs) {
      const a = rand([4, ...sa]),
        b = rand([4, ...sb]);
      const f = (x: Tensor, y: Tensor) => x.matmul(y);
      close(vmap(f)(a, b), stack(slices(a).map((x, i) => f(x, b.select(0, i)))));
      const b0 = b.select(0, 0),
        a0 = a.select(0, 0);
      close(vmap(f, { inAxes: [0, null] })(a, b0), stack(slices(a).map((x) => f(x, b0))));
      close(vmap(f, { inAxes: [null, 0] })(a0, b), stack(slices(b).map((y) => f(a0, y))));
    }
  });

  it('runs each op once on the whole batch (no per-example loop for batchable ops)', () => {
    const x = rand([5, 3]).requiresGrad_();
    const out = vmap((r: Tensor) => r.exp().mul(2).sum())(x);
    const ops: string[] = [];
    let node = out.node;
    while (node !== null) {
      ops.push(node.op);
      node = node.inputs[0]?.node ?? null;
    }
    expect(ops).toEqual(['sum', 'mul', 'exp']); // one node each (mul's scalar 2 is broadcast once)
  });

  it('inAxes and outAxes place the batch', () => {
    const x = rand([4, 3]);
    const out = vmap((r: Tensor) => r.mul(2), { inAxes: 1, outAxes: 1 })(x);
    close(out, x.mul(2));
    const [s, p] = vmap((r: Tensor) => [r.sum(), r.exp()], { outAxes: [0, 1] })(x);
    close(s!, x.sum(1));
    close(p!, x.exp().permute([1, 0]));
    // an output that does not depend on the batch is repeated
    close(vmap(() => tensor(7, { dtype: 'float64' }), { inAxes: 0 })(x), tensor([7, 7, 7, 7], { dtype: 'float64' }));
  });
});

describe('vmap errors', () => {
  it('names vmap and the argument when batch sizes differ', () => {
    const f = (a: Tensor, b: Tensor) => a.add(b);
    expect(() => vmap(f)(rand([3, 2]), rand([4, 2]))).toThrow(T.ShapeError);
    expect(() => vmap(f)(rand([3, 2]), rand([4, 2]))).toThrow(
      /vmap: argument 1 has batch size 4 \(axis 0 of \[4, ?2\]\), but argument 0 has 3/,
    );
    expect(() => vmap(f, { inAxes: [0, 1] })(rand([3, 2]), rand([2, 2]))).toThrow(/argument 1 has batch size 2/);
  });

  it('refuses bad axes, no batched argument, unknown options and reading batched values', () => {
    const x = rand([3, 2]);
    expect(() => vmap((a: Tensor) => a, { inAxes: 2 })(x)).toThrow(/vmap: inAxes 2 is out of range for argument 0/);
    expect(() => vmap((a: Tensor) => a, { inAxes: [0, 0] })(x)).toThrow(/inAxes has 2 entries for 1 argument/);
    expect(() => vmap((a: Tensor) => a, { inAxes: null })(x)).toThrow(/no argument is batched/);
    expect(() => vmap((a: Tensor) => a, { outAxes: 2 })(x)).toThrow(/outAxes 2 is out of range/);
    expect(() => vmap((a: Tensor) => a, { in_axes: 0 } as object)(x)).toThrow(/unknown option key "in_axes"/);
    expect(() => vmap((a: Tensor) => tensor(a.item()))(x)).toThrow(AutogradError);
    expect(() =>
      vmap((a: Tensor) => {
        a.square().sum().backward();
        return a;
      })(x.detach().requiresGrad_()),
    ).toThrow(/backward\(\) on a batched tensor: inside vmap take gradients with grad/);
    let kept: Tensor | undefined;
    vmap((a: Tensor) => {
      kept = a;
      return a;
    })(x);
    // caught while a vmap runs (outside any vmap, ops do not look for batched tensors: see the README)
    expect(() => vmap((a: Tensor) => a.add(kept!))(x)).toThrow(/a vmap that has returned/);
  });

  it('leaves nothing installed after an error', () => {
    expect(() =>
      vmap(() => {
        throw new Error('boom');
      })(rand([2])),
    ).toThrow('boom');
    const y = rand([2]);
    close(y.add(1).sub(1), y);
  });
});
