/** Bad uses of the functional transforms, customOp, gradcheck and anomaly mode. */
import { AnomalyError, AutogradError, DTypeError, GradcheckError, RangeError, ShapeError } from '../../src/index.js';
import * as A from '../../src/index.js';
import { type Case, bad, ints, leaf, plain } from './types.js';

const sq = (x: A.Tensor): A.Tensor => x.square().sum();

export const functionalCases: Case[] = [
  bad('grad of a function with a non-scalar output', AutogradError, 'grad', 'must return a single number', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.grad((t) => t.square())(x) };
  }),
  bad('grad of a function returning a number', AutogradError, 'grad', 'f must return a Tensor', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.grad(() => 3 as unknown as A.Tensor)(x) };
  }),
  bad('grad with argnums out of range', RangeError, 'grad', /argnums|argument 2/, () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.grad(sq, { argnums: 2 })(x) };
  }),
  bad('grad with respect to an int argument', DTypeError, 'grad', 'argument 0 is int32', () => {
    const x = ints([1, 2]);
    return { watch: [x], call: () => A.grad(sq)(x) };
  }),
  bad('grad with an argument that is not a tensor', AutogradError, 'grad', 'argument 0 is not a Tensor', () => ({
    watch: [],
    call: () => A.grad(sq)(3 as unknown as A.Tensor),
  })),
  bad('valueAndGrad of a non-scalar output', AutogradError, 'valueAndGrad', 'got shape [2]', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.valueAndGrad((t) => t.mul(2))(x) };
  }),
  bad('vjp with a cotangent of the wrong shape', ShapeError, 'vjp', /\[3\].*\[2\]|shape/, () => {
    const x = leaf([1, 2]),
      v = leaf([1, 1, 1]);
    return {
      watch: [x, v],
      call: () => {
        const [, pullback] = A.vjp((t) => t.square(), [x]);
        return pullback(v);
      },
    };
  }),
  bad('jvp with fewer tangents than primals', AutogradError, 'jvp', /tangent/, () => {
    const x = leaf([1, 2]),
      y = leaf([3, 4]);
    return { watch: [x, y], call: () => A.jvp((a, b) => a.mul(b!).sum(), [x, y], [x]) };
  }),
  bad('jvp with a tangent of the wrong shape', ShapeError, 'jvp', /\[3\].*\[2\]|shape/, () => {
    const x = leaf([1, 2]),
      t = leaf([1, 1, 1]);
    return { watch: [x, t], call: () => A.jvp(sq, [x], [t]) };
  }),
  bad('jacobian of a function returning a number', AutogradError, 'jacobian', 'f must return a Tensor', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.jacobian(() => 1 as unknown as A.Tensor)(x) };
  }),
  bad('hessian of a non-scalar function', AutogradError, 'hessian', 'must return a single number', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.hessian((t) => t.square())(x) };
  }),
  bad('hvp with a tangent of the wrong shape', ShapeError, 'hvp', /\[3\].*\[2\]|shape/, () => {
    const x = leaf([1, 2]),
      v = leaf([1, 1, 1]);
    return { watch: [x, v], call: () => A.hvp(sq, [x], [v]) };
  }),
];

const cube = (backward: (g: A.Tensor, x: A.Tensor) => readonly (A.Tensor | null)[]) =>
  A.customOp({
    name: 'cube',
    forward: (x) => x.mul(x).mul(x),
    backward: (g, [x]) => backward(g, x!),
  });

export const customOpCases: Case[] = [
  bad(
    'a custom backward returning two gradients for one input',
    AutogradError,
    'cube',
    'backward returned 2 gradients for 1 inputs',
    () => {
      const x = leaf([1, 2]);
      return {
        watch: [x],
        call: () =>
          cube((g) => [g, g])(x)
            .sum()
            .backward(),
      };
    },
  ),
  bad(
    'a custom backward returning another shape',
    AutogradError,
    'cube',
    'gradient of shape [1] for input 0 of shape [2]',
    () => {
      const x = leaf([1, 2]);
      return {
        watch: [x],
        call: () =>
          cube(() => [A.zeros([1], { dtype: 'float64' })])(x)
            .sum()
            .backward(),
      };
    },
  ),
  bad(
    'a custom backward returning another dtype',
    AutogradError,
    'cube',
    'a float32 gradient for input 0 of dtype float64',
    () => {
      const x = leaf([1, 2]);
      return {
        watch: [x],
        call: () =>
          cube((g) => [A.cast(g, 'float32')])(x)
            .sum()
            .backward(),
      };
    },
  ),
  bad('a custom backward returning a number', AutogradError, 'cube', /gradient|Tensor/, () => {
    const x = leaf([1, 2]);
    return {
      watch: [x],
      call: () =>
        cube(() => [1 as unknown as A.Tensor])(x)
          .sum()
          .backward(),
    };
  }),
  bad('a custom backward returning nothing', AutogradError, 'cube', /gradients|array/, () => {
    const x = leaf([1, 2]);
    return {
      watch: [x],
      call: () =>
        cube(() => undefined as unknown as A.Tensor[])(x)
          .sum()
          .backward(),
    };
  }),
  bad('a custom forward returning a number', AutogradError, 'cube', /forward.*NDArray/, () => {
    const x = leaf([1, 2]);
    const op = A.customOp({ name: 'cube', forward: () => 8 as unknown as A.NDArray, backward: (g) => [g] });
    return { watch: [x], call: () => op(x) };
  }),
  bad('customOp without a name', AutogradError, 'customOp', /name/, () => ({
    watch: [],
    call: () => A.customOp({ name: '', forward: (x) => x, backward: (g) => [g] }),
  })),
  bad('customOp without a backward function', AutogradError, 'customOp', /backward/, () => ({
    watch: [],
    call: () =>
      A.customOp({ name: 'id', forward: (x) => x, backward: undefined as unknown as A.CustomOpDefinition['backward'] }),
  })),
  bad('a custom op applied to a plain number', DTypeError, 'cube', 'expected a Tensor as input 0, got number', () => ({
    watch: [],
    call: () => cube((g) => [g])(2 as unknown as A.Tensor),
  })),
];

export const gradcheckCases: Case[] = [
  bad('gradcheck with no input requiring grad', AutogradError, 'gradcheck', 'no input requires grad', () => {
    const x = plain([1, 2], 'float64');
    return { watch: [x], call: () => A.gradcheck(sq, [x]) };
  }),
  bad('gradcheck with eps 0', RangeError, 'gradcheck', 'eps must be > 0', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.gradcheck(sq, [x], { eps: 0 }) };
  }),
  bad('gradcheck with a negative atol', RangeError, 'gradcheck', 'atol, rtol >= 0', () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.gradcheck(sq, [x], { atol: -1 }) };
  }),
  bad(
    'gradcheck with an input that is not a tensor',
    AutogradError,
    'gradcheck',
    'every input must be a Tensor',
    () => ({
      watch: [],
      call: () => A.gradcheck(sq, [[1, 2] as unknown as A.Tensor]),
    }),
  ),
  bad('gradcheck of a function returning a number', AutogradError, 'gradcheck', /Tensor/, () => {
    const x = leaf([1, 2]);
    return { watch: [x], call: () => A.gradcheck(() => 1 as unknown as A.Tensor, [x]) };
  }),
  bad('assertGradcheck of a wrong custom gradient', GradcheckError, 'gradcheck', /input 0/, () => {
    const x = leaf([1, 2]);
    const wrong = cube((g, t) => [g.mul(t.square())]); // misses the factor 3
    return { watch: [x], call: () => A.assertGradcheck((t) => wrong(t).sum(), [x]) };
  }),
  bad('gradgradcheck with no input requiring grad', AutogradError, 'gradgradcheck', 'no input requires grad', () => {
    const x = plain([1, 2], 'float64');
    return { watch: [x], call: () => A.gradgradcheck(sq, [x]) };
  }),
];

export const anomalyCases: Case[] = [
  bad('a NaN in forward under detectAnomaly', AnomalyError, 'log', /NaN|nan/, () => {
    const x = leaf([-1, 2]);
    return { watch: [x], call: () => A.detectAnomaly(() => x.log()) };
  }),
  bad('a NaN gradient in backward under detectAnomaly', AnomalyError, 'sqrt', /NaN|nan|inf/, () => {
    const x = leaf([0, 4]);
    return { watch: [x], call: () => A.detectAnomaly(() => x.sqrt().sum().backward()) };
  }),
];
