/**
 * Functional transforms in the style of JAX and torch.func: `grad`, `valueAndGrad`, `vjp`,
 * `jvp`, `jacobian`, `hessian` and `hvp`. Each one calls `f` with fresh differentiable stand-ins
 * for the chosen arguments and asks the engine for the gradients of those (`runBackward` with
 * `targets`), so no `.grad` anywhere is touched and the user's tensors need not require grad.
 *
 * They compose: when an argument is itself part of a recorded graph (inside another transform,
 * or a tensor that requires grad), the backward pass is recorded too, so the result can be
 * differentiated again — `hessian` is `jacobian` of `grad`.
 */
import * as T from '@chainrule/tensor';
import { runBackward } from './engine.js';
import { AutogradError } from './errors.js';
import { enableGrad, isGradEnabled } from './grad-mode.js';
import { apply } from './ops/apply.js';
import { SHAPE_OPS, reshape, stack } from './ops/defs/shape.js';
import { type Node, Tensor } from './tensor.js';
import { BatchedTensor, isVmapActive } from './vmap/batched.js';
import { jacobianRows } from './vmap/jacobian-rows.js';

/** A function of tensors that returns a tensor. */
export type TensorFunction = (...args: Tensor[]) => Tensor;

/** Which arguments to differentiate with respect to: one index (the default, 0) or several. */
export interface ArgnumsOptions<A extends number | readonly number[] = number | readonly number[]> {
  argnums?: A;
}

/** `f` called on stand-ins: the stand-ins, the output, and whether the backward must be recorded. */
interface Traced {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** True when the result must stay differentiable (an argument belongs to an outer graph). */
  readonly createGraph: boolean;
}

function normalizeArgnums(op: string, argnums: number | readonly number[], nargs: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  if (list.length === 0) throw new AutogradError(op, 'argnums is empty: name at least one argument to differentiate');
  const out = list.map((i) => {
    if (!Number.isInteger(i) || i < -nargs || i >= nargs) {
      throw new T.RangeError(
        op,
        `argnums ${i} is out of range for a call with ${nargs} argument${nargs === 1 ? '' : 's'}`,
      );
    }
    return i < 0 ? i + nargs : i;
  });
  if (new Set(out).size !== out.length) throw new AutogradError(op, `argnums [${list.join(', ')}] repeats an argument`);
  return out;
}

/** A new tensor in the graph that equals `a` (a recorded identity), so its gradient can be asked for alone. */
function alias(a: Tensor): Tensor {
  return apply(SHAPE_OPS.reshape, [a], { shape: [...a.shape] });
}

/** Calls `f` with differentiable stand-ins for the arguments in `argnums`. */
function trace(op: string, f: TensorFunction, args: readonly Tensor[], argnums: readonly number[]): Traced {
  const outer = isGradEnabled();
  const callArgs = [...args];
  const inputs = argnums.map((i) => {
    const a = args[i];
    if (!(a instanceof Tensor)) throw new AutogradError(op, `argument ${i} is not a Tensor`);
    if (!T.isFloat(a.dtype))
      throw new T.DTypeError(op, `argument ${i} is ${a.dtype}; only floating point arguments can be differentiated`);
    const x =
      outer && a.requiresGrad
        ? alias(a)
        : a instanceof BatchedTensor
          ? a.leaf()
          : new Tensor(a.value, { requiresGrad: true, version: a.versionCounter });
    callArgs[i] = x;
    return x;
  });
  const output = enableGrad(() => f(...callArgs));
  if (!(output instanceof Tensor)) throw new AutogradError(op, 'f must return a Tensor');
  // inside vmap the backward is always recorded: its sums must go through the ops (and their batching rules)
  return { inputs, output, createGraph: isVmapActive() || (outer && reachesOtherLeaves(output, inputs)) };
}

/**
 * Whether the graph of `output` reaches a tensor that requires grad other than `own` (a leaf of
 * an outer computation): then the backward pass must be recorded so the outer one can see it.
 */
function reachesOtherLeaves(output: Tensor, own: readonly Tensor[]): boolean {
  if (!output.requiresGrad) return false;
  const ownSet = new Set(own);
  if (output.node === null) return !ownSet.has(output);
  const seen = new Set<Node>([output.node]);
  const stack: Node[] = [output.node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const input of node.inputs) {
      if (!input.requiresGrad) continue;
      if (input.node === null) {
        if (!ownSet.has(input)) return true;
      } else if (!seen.has(input.node)) {
        seen.add(input.node);
        stack.push(input.node);
      }
    }
  }
  return false;
}

function zerosLike(x: Tensor): Tensor {
  return new Tensor(T.zeros(x.shape, x.dtype));
}

/** The vector-Jacobian product of the traced call with `seed`, zeros where no gradient flows. */
function pullback(traced: Traced, seed: Tensor, retainGraph: boolean): Tensor[] {
  const { inputs, output, createGraph } = traced;
  if (!output.requiresGrad) return inputs.map(zerosLike);
  const grads = runBackward([output], [seed], { targets: inputs, createGraph, retainGraph });
  return grads.map((g, k) => g ?? zerosLike(inputs[k]!));
}

function scalarOutput(op: string, output: Tensor): void {
  if (output.numel() !== 1) {
    throw new AutogradError(
      op,
      `f must return a single number (one element), got shape ${T.fmtShape(output.shape)}; ` +
        `use vjp or jacobian for other outputs`,
    );
  }
}

function checkTangents(op: string, primals: readonly Tensor[], tangents: readonly Tensor[]): void {
  if (tangents.length !== primals.length)
    throw new AutogradError(op, `got ${tangents.length} tangents for ${primals.length} primals`);
  tangents.forEach((v, i) => {
    if (!T.shapesEqual(v.shape, primals[i]!.shape)) {
      throw new T.ShapeError(
        op,
        `tangent ${i} has shape ${T.fmtShape(v.shape)}, expected its primal's shape ${T.fmtShape(primals[i]!.shape)}`,
      );
    }
  });
}

/** The output, kept in the graph when the result must stay differentiable. */
function valueOf(traced: Traced): Tensor {
  return traced.createGraph ? traced.output : traced.output.detach();
}

function gradAndValue(
  op: string,
  f: TensorFunction,
  args: readonly Tensor[],
  argnums: readonly number[],
): [Tensor, Tensor[]] {
  const traced = trace(op, f, args, normalizeArgnums(op, argnums, args.length));
  scalarOutput(op, traced.output);
  const seed = new Tensor(T.ones(traced.output.shape, traced.output.dtype));
  return [valueOf(traced), pullback(traced, seed, traced.createGraph)];
}

/**
 * The gradient of a function that returns one number, as a function of the same arguments.
 * With `argnums` a list, it returns one gradient per listed argument.
 * @example
 * ```ts
 * const f = (x: Tensor) => x.pow(3).sum();           // Σx³
 * grad(f)(tensor([1, 2], { dtype: 'float64' }));     // [3, 12] = 3x²
 * const g = (x: Tensor, y: Tensor) => x.mul(y).sum();
 * grad(g, { argnums: [0, 1] })(a, b);                // [b, a]
 * ```
 */
export function grad(f: TensorFunction, options?: ArgnumsOptions<number>): (...args: Tensor[]) => Tensor;
export function grad(f: TensorFunction, options: ArgnumsOptions<readonly number[]>): (...args: Tensor[]) => Tensor[];
export function grad(f: TensorFunction, options: ArgnumsOptions = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  const argnums = options.argnums ?? 0;
  return (...args) => {
    const [, grads] = gradAndValue('grad', f, args, typeof argnums === 'number' ? [argnums] : argnums);
    return typeof argnums === 'number' ? grads[0]! : grads;
  };
}

/**
 * Like `grad`, but returns `[value, gradient]` from one evaluation of `f`.
 * @example
 * ```ts
 * const [loss, g] = valueAndGrad((w: Tensor) => w.square().sum())(w);
 * ```
 */
export function valueAndGrad(
  f: TensorFunction,
  options?: ArgnumsOptions<number>,
): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(
  f: TensorFunction,
  options: ArgnumsOptions<readonly number[]>,
): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(
  f: TensorFunction,
  options: ArgnumsOptions = {},
): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  const argnums = options.argnums ?? 0;
  return (...args) => {
    const [value, grads] = gradAndValue('valueAndGrad', f, args, typeof argnums === 'number' ? [argnums] : argnums);
    return [value, typeof argnums === 'number' ? grads[0]! : grads];
  };
}

/**
 * Evaluates `f` at `primals` and returns its value and a pullback: `pullback(v)` gives vᵀJ for
 * each primal (J the Jacobian of f there). The pullback may be called many times.
 * @example
 * ```ts
 * const [y, back] = vjp((x: Tensor) => x.square(), [x]);
 * const [gx] = back(onesLike(y)); // 2x
 * ```
 */
export function vjp(f: TensorFunction, primals: readonly Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const traced = trace(
    'vjp',
    f,
    primals,
    primals.map((_, i) => i),
  );
  const back = (cotangent: Tensor): Tensor[] => {
    if (!T.shapesEqual(cotangent.shape, traced.output.shape)) {
      throw new T.ShapeError(
        'vjp',
        `the cotangent has shape ${T.fmtShape(cotangent.shape)}, ` +
          `expected the output's shape ${T.fmtShape(traced.output.shape)}`,
      );
    }
    return pullback(traced, cotangent, true);
  };
  return [valueOf(traced), back];
}

/**
 * The Jacobian-vector product: `[f(primals), J·tangents]`, the directional derivative of f along
 * the tangents. Computed by the double-vjp trick: vᵀ(Jᵀu) differentiated with respect to u.
 * @example
 * ```ts
 * const [y, dy] = jvp((x: Tensor) => x.sin(), [x], [v]); // dy = cos(x)·v
 * ```
 */
export function jvp(f: TensorFunction, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  checkTangents('jvp', primals, tangents);
  const traced = trace(
    'jvp',
    f,
    primals,
    primals.map((_, i) => i),
  );
  const { output, inputs } = traced;
  if (!output.requiresGrad) return [valueOf(traced), zerosLike(output)];
  const u = new Tensor(T.zeros(output.shape, output.dtype), { requiresGrad: true }); // any value: Jᵀu is linear in u
  const grads = runBackward([output], [u], { targets: inputs, createGraph: true });
  const roots: Tensor[] = [],
    seeds: Tensor[] = [];
  grads.forEach((g, i) => {
    if (g !== null) {
      roots.push(g);
      seeds.push(tangents[i]!);
    }
  });
  const [jv] = runBackward(roots, seeds, { targets: [u], createGraph: traced.createGraph });
  return [valueOf(traced), jv ?? zerosLike(output)];
}

/** Options of `jacobian`. */
export interface JacobianOptions<A extends number | readonly number[] = number | readonly number[]>
  extends ArgnumsOptions<A> {
  /** One batched reverse pass (by `vmap`) over all the output's elements, instead of one pass each. */
  vectorize?: boolean;
}

/**
 * The Jacobian of `f` with respect to the chosen arguments, of shape
 * `[...output.shape, ...argument.shape]`, one reverse pass per output element (or, with
 * `{ vectorize: true }`, one pass batched over them all by `vmap`; the same values).
 * @example
 * ```ts
 * jacobian((x: Tensor) => x.softmax())(x); // diag(s) - s sᵀ
 * jacobian((x: Tensor) => x.softmax(), { vectorize: true })(x); // the same, in one batched pass
 * ```
 */
export function jacobian(f: TensorFunction, options?: JacobianOptions<number>): (...args: Tensor[]) => Tensor;
export function jacobian(
  f: TensorFunction,
  options: JacobianOptions<readonly number[]>,
): (...args: Tensor[]) => Tensor[];
export function jacobian(f: TensorFunction, options: JacobianOptions = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  const argnums = options.argnums ?? 0;
  return (...args) => {
    const traced = trace('jacobian', f, args, normalizeArgnums('jacobian', argnums, args.length));
    const { output, inputs } = traced;
    if (options.vectorize === true && output.numel() > 0) {
      const blocks = jacobianRows(output, inputs, traced.createGraph).map((r, k) =>
        reshape(r, [...output.shape, ...inputs[k]!.shape]),
      );
      return typeof argnums === 'number' ? blocks[0]! : blocks;
    }
    const rows: Tensor[][] = inputs.map(() => []);
    for (let j = 0; j < output.numel(); j++) {
      const e = T.zeros(output.shape, output.dtype); // row j of the identity
      e.data[j] = 1;
      pullback(traced, new Tensor(e), true).forEach((g, k) => {
        rows[k]!.push(g);
      });
    }
    const blocks = inputs.map((x, k) => {
      const shape = [...output.shape, ...x.shape];
      return output.numel() === 0 ? new Tensor(T.zeros(shape, x.dtype)) : reshape(stack(rows[k]!), shape);
    });
    return typeof argnums === 'number' ? blocks[0]! : blocks;
  };
}

/**
 * The Hessian of a function that returns one number: `jacobian` of `grad`. For one argument a
 * tensor of shape `[...x.shape, ...x.shape]`; for several, `H[i][j]` = ∂²f/∂x_i∂x_j. With
 * `{ vectorize: true }` the outer jacobian is one batched pass (see `jacobian`).
 * @example
 * ```ts
 * hessian((x: Tensor) => x.matmul(A.matmul(x)))(x); // A + Aᵀ
 * ```
 */
export function hessian(f: TensorFunction, options?: JacobianOptions<number>): (...args: Tensor[]) => Tensor;
export function hessian(
  f: TensorFunction,
  options: JacobianOptions<readonly number[]>,
): (...args: Tensor[]) => Tensor[][];
export function hessian(f: TensorFunction, options: JacobianOptions = {}): (...args: Tensor[]) => Tensor | Tensor[][] {
  const vectorize = options.vectorize === true;
  const argnums = options.argnums ?? 0;
  // f's output is checked here, so that a wrong one is reported as hessian's, not as the inner grad's
  const scalarF: TensorFunction = (...a) => {
    const y = f(...a);
    if (!(y instanceof Tensor)) throw new AutogradError('hessian', 'f must return a Tensor');
    scalarOutput('hessian', y);
    return y;
  };
  return (...args) => {
    const idx = normalizeArgnums('hessian', argnums, args.length);
    const blocks = idx.map((i) =>
      idx.map((j) =>
        jacobian((...a: Tensor[]) => grad(scalarF, { argnums: i })(...a), { argnums: j, vectorize })(...args),
      ),
    );
    return typeof argnums === 'number' ? blocks[0]![0]! : blocks;
  };
}

/**
 * The Hessian-vector product of a function that returns one number, without forming the
 * Hessian: `[f(primals), H·tangents]` (one tensor per primal), by differentiating ⟨∇f, v⟩.
 * @example
 * ```ts
 * const [, [hv]] = hvp((x: Tensor) => x.pow(3).sum(), [x], [v]); // 6x·v
 * ```
 */
export function hvp(f: TensorFunction, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor[]] {
  checkTangents('hvp', primals, tangents);
  const traced = trace(
    'hvp',
    f,
    primals,
    primals.map((_, i) => i),
  );
  const { output, inputs } = traced;
  scalarOutput('hvp', output);
  if (!output.requiresGrad) return [valueOf(traced), inputs.map(zerosLike)];
  const grads = runBackward([output], [new Tensor(T.ones(output.shape, output.dtype))], {
    targets: inputs,
    createGraph: true,
  });
  const roots: Tensor[] = [],
    seeds: Tensor[] = [];
  grads.forEach((g, i) => {
    if (g !== null) {
      roots.push(g);
      seeds.push(tangents[i]!);
    }
  });
  const hv = runBackward(roots, seeds, { targets: inputs, createGraph: traced.createGraph });
  return [valueOf(traced), hv.map((g, k) => g ?? zerosLike(inputs[k]!))];
}
