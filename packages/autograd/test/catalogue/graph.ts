/** Bad uses of the graph: Tensor methods, in-place writes, backward, hooks, grad mode. */
import { AutogradError, DTypeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { setFrameStorageForTesting } from '../../src/grad-mode.js';
import { type Case, bad, ints, leaf, plain } from './types.js';

export const tensorMethodCases: Case[] = [
  bad('requiresGrad_ on an int tensor', DTypeError, 'requiresGrad', 'only floating point tensors', () => {
    const x = ints([1, 2]);
    return { watch: [x], call: () => x.requiresGrad_() };
  }),
  bad('requiresGrad_(false) on a non-leaf', AutogradError, 'requiresGrad_', 'use detach()', () => {
    const x = leaf([1, 2]),
      y = x.mul(2);
    return { watch: [x, y], call: () => y.requiresGrad_(false) };
  }),
  bad('registerHook on a tensor that needs no grad', AutogradError, 'registerHook', 'does not require grad', () => {
    const x = plain([1, 2]);
    return { watch: [x], call: () => x.registerHook((g) => g) };
  }),
  bad('retainGrad on a tensor that needs no grad', AutogradError, 'retainGrad', 'does not require grad', () => {
    const x = plain([1, 2]);
    return { watch: [x], call: () => x.retainGrad() };
  }),
  bad('item of a tensor with two elements', ShapeError, 'item', 'only one-element arrays', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => x.item() };
  }),
];

export const inPlaceCases: Case[] = [
  bad('addInPlace on a leaf that requires grad', AutogradError, 'addInPlace', 'inside noGrad', () => {
    const w = leaf([1, 2]);
    return { watch: [w], call: () => w.addInPlace(1) };
  }),
  bad('mulInPlace on a recorded non-leaf', AutogradError, 'mulInPlace', 'use the out-of-place op', () => {
    const x = leaf([1, 2]),
      y = x.mul(2);
    return { watch: [x, y], call: () => y.mulInPlace(2) };
  }),
  bad('copyInPlace on a leaf that requires grad', AutogradError, 'copyInPlace', 'in-place operation', () => {
    const w = leaf([1, 2]),
      s = plain([3, 4]);
    return { watch: [w, s], call: () => w.copyInPlace(s) };
  }),
  bad('addScaledInPlace on a leaf that requires grad', AutogradError, 'addScaledInPlace', 'in-place operation', () => {
    const w = leaf([1, 2]),
      g = leaf([1, 1]);
    return { watch: [w, g], call: () => w.addScaledInPlace(g, -0.1) };
  }),
  bad(
    'addInPlace of a float into an int tensor',
    DTypeError,
    'addInPlace',
    'cannot be stored in the int32 tensor',
    () => {
      const t = ints([1, 2]),
        f = plain([0.5, 0.5]);
      return { watch: [t, f], call: () => t.addInPlace(f) };
    },
  ),
  bad('divInPlace of an int tensor', DTypeError, 'divInPlace', 'float32 cannot be stored in the int32 tensor', () => {
    const t = ints([1, 2]);
    return { watch: [t], call: () => t.divInPlace(2) };
  }),
  bad('addInPlace of a larger operand', ShapeError, 'addInPlace', /\[2,2\].*\[2\]/, () => {
    const t = plain([1, 2]),
      o = plain([
        [1, 2],
        [3, 4],
      ]);
    return { watch: [t, o], call: () => t.addInPlace(o) };
  }),
  bad('subInPlace of a shape that does not broadcast', ShapeError, 'subInPlace', 'cannot be broadcast', () => {
    const t = plain([1, 2]),
      o = plain([1, 2, 3]);
    return { watch: [t, o], call: () => t.subInPlace(o) };
  }),
  bad('addInPlace into a broadcast view', ShapeError, 'addInPlace', 'the target is a broadcast view', () => {
    const base = plain([1]),
      view = base.expand([3]);
    return { watch: [base, view], call: () => view.addInPlace(1) };
  }),
  bad('copyInPlace of a shape that does not broadcast', ShapeError, 'copyInPlace', 'cannot be broadcast', () => {
    const t = plain([1, 2]),
      s = plain([1, 2, 3]);
    return { watch: [t, s], call: () => t.copyInPlace(s) };
  }),
  bad('addScaledInPlace of another shape', ShapeError, 'addScaledInPlace', /\[3\]/, () => {
    const t = plain([1, 2]),
      x = plain([1, 2, 3]);
    return { watch: [t, x], call: () => t.addScaledInPlace(x, 2) };
  }),
  bad('addScaledInPlace with a string alpha', DTypeError, 'addScaledInPlace', 'alpha must be a number', () => {
    const t = plain([1, 2]),
      x = plain([1, 2]);
    return { watch: [t, x], call: () => t.addScaledInPlace(x, '2' as unknown as number) };
  }),
  bad('mulInPlace by a string', DTypeError, 'mulInPlace', 'as the operand, got string', () => {
    const t = plain([1, 2]);
    return { watch: [t], call: () => t.mulInPlace('2' as unknown as number) };
  }),
];

export const backwardCases: Case[] = [
  bad('backward of a tensor that needs no grad', AutogradError, 'backward', 'does not require grad', () => {
    const x = plain([1, 2]);
    return { watch: [x], call: () => x.sum().backward() };
  }),
  bad('backward of a non-scalar without gradOutput', AutogradError, 'backward', 'only for scalar outputs', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => x.mul(2).backward() };
  }),
  bad('backward with gradOutput of the wrong shape', AutogradError, 'backward', 'gradOutput has shape [3]', () => {
    const x = leaf([1, 2]),
      g = leaf([1, 1, 1]);
    return { watch: [x, g], call: () => x.mul(2).backward(g) };
  }),
  bad('backward with a bool gradOutput', DTypeError, 'backward', 'gradOutput must be a number tensor, got bool', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => x.mul(2).backward(A.gt(x, 0)) };
  }),
  bad('backward with a string gradOutput', DTypeError, 'backward', 'as gradOutput, got string', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => x.mul(2).backward('1' as unknown as number) };
  }),
  bad('backward twice through a freed graph', AutogradError, 'backward', 'second time', () => {
    const x = leaf([1, 2]),
      y = x.square().sum();
    y.backward();
    return { watch: [x], call: () => y.backward() };
  }),
  bad(
    'backward after a saved input was written in place',
    AutogradError,
    'backward',
    'is at version 1; expected version 0',
    () => {
      const x = leaf([1, 2]),
        c = plain([3, 4], 'float64'), // of x's dtype: mul saves c itself, not a cast copy
        y = x.mul(c).sum();
      c.addInPlace(1);
      return { watch: [x, c], call: () => y.backward() };
    },
  ),
  bad(
    'backward into a .grad of another shape',
    AutogradError,
    'backward',
    'cannot accumulate a gradient of shape [2]',
    () => {
      const x = leaf([1, 2]),
        w = leaf([3]);
      w.grad = A.zeros([1], { dtype: 'float64' });
      x.grad = A.zeros([5], { dtype: 'float64' });
      return { watch: [x, w], call: () => x.mul(w).sum().backward() };
    },
  ),
  bad(
    'a leaf hook returning another shape: no .grad changes',
    AutogradError,
    'hook',
    'expected float64 of shape [2]',
    () => {
      const x = leaf([1, 2]),
        w = leaf([3, 4]);
      x.registerHook(() => A.zeros([3], { dtype: 'float64' }));
      return { watch: [x, w], call: () => x.mul(w).sum().backward() };
    },
  ),
  bad('a hook on a non-leaf returning another dtype', AutogradError, 'hook', 'returned a float32 gradient', () => {
    const x = leaf([1, 2]),
      y = x.mul(2);
    y.registerHook((g) => A.cast(g, 'float32'));
    return { watch: [x], call: () => y.sum().backward() };
  }),
  bad('a failing hook leaves retained non-leaf grads alone', AutogradError, 'hook', 'of shape [1]', () => {
    const x = leaf([1, 2]),
      y = x.mul(3).retainGrad(),
      w = leaf([5]);
    w.registerHook(() => A.zeros([2], { dtype: 'float64' }));
    return { watch: [x, y, w], call: () => y.mul(w).sum().backward() };
  }),
  bad('runBackward with more seeds than roots', AutogradError, 'backward', 'got 2 seeds for 1 roots', () => {
    const x = leaf([1, 2]);
    const s = A.ones([], { dtype: 'float64' });
    return { watch: [x, s], call: () => A.runBackward([x.sum()], [s, s]) };
  }),
  bad(
    'runBackward with a root that is not a tensor',
    DTypeError,
    'backward',
    'expected a Tensor as root 0, got number',
    () => {
      const s = A.ones([], { dtype: 'float64' });
      return { watch: [s], call: () => A.runBackward([1 as unknown as A.Tensor], [s]) };
    },
  ),
  bad('runBackward with a target that is not a tensor', DTypeError, 'backward', 'as target 0, got string', () => {
    const x = leaf([1, 2]);
    return {
      watch: [x],
      call: () =>
        A.runBackward([x.sum()], [A.ones([], { dtype: 'float64' })], { targets: ['x' as unknown as A.Tensor] }),
    };
  }),
];

export const gradModeCases: Case[] = [
  bad('noGrad of a function returning a promise', AutogradError, 'noGrad', 'is not an async function', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.noGrad(() => Promise.resolve(x.mul(2))) };
  }),
  bad('noGrad of something that is not a function', AutogradError, 'noGrad', 'expected a function, got null', () => ({
    watch: [],
    call: () => A.noGrad(null as unknown as () => void),
  })),
  bad(
    'enableGrad of an async callback without AsyncLocalStorage',
    AutogradError,
    'enableGrad',
    'need AsyncLocalStorage',
    () => {
      const w = leaf([1, 2]);
      return {
        watch: [w],
        call: () => {
          setFrameStorageForTesting(null);
          try {
            return A.enableGrad(async () => noGradWrite(w));
          } finally {
            setFrameStorageForTesting(undefined);
          }
        },
      };
    },
  ),
];

/** A write that would change w if the refused callback ran. */
function noGradWrite(w: A.Tensor): void {
  A.noGrad(() => w.addInPlace(1));
}
