import { DTypeError, NDArray, RangeError, ShapeError } from '@chainrule/tensor';
import { Tensor, noGrad } from '@chainrule/autograd';

/**
 * What the methods explain: a function of a batch, or anything with `forward` (a `Module`). The
 * output is one score per row, [N] or [N, 1], or one per class, [N, K] (then pick it with `target`).
 */
export type Model = ((inputs: Tensor) => Tensor) | { forward(inputs: Tensor): Tensor };

/** The output column to explain for a [N, K] output: one class for every row, or one per row. */
export type Target = number | readonly number[];

/** The model as a function. */
export function asFunction(model: Model): (inputs: Tensor) => Tensor {
  if (typeof model === 'function') return model;
  if (model !== null && typeof model === 'object' && typeof model.forward === 'function')
    return (x) => model.forward(x);
  throw new TypeError('interpret: expected a model, a function of a Tensor or an object with forward()');
}

/** Checks that `inputs` is a float tensor with a batch axis and at least `minDims` axes. */
export function checkInputs(op: string, inputs: Tensor, minDims = 2): void {
  if (!(inputs instanceof Tensor)) throw new TypeError(`${op}: expected inputs as a Tensor`);
  if (inputs.dtype !== 'float32' && inputs.dtype !== 'float64')
    throw new DTypeError(op, `expected float32 or float64 inputs, got ${inputs.dtype}`);
  if (inputs.ndim < minDims)
    throw new ShapeError(
      op,
      `expected inputs with a batch axis first and ${minDims} axes or more, got [${inputs.shape.join(', ')}]`,
    );
}

/**
 * The explained score of each row, [N], from a model output [N], [N, 1] or [N, K] (with `target`);
 * differentiable, so the gradient methods run backward through it.
 */
export function targetScores(op: string, out: Tensor, n: number, target?: Target): Tensor {
  const shape = out.shape;
  if (shape[0] !== n)
    throw new ShapeError(op, `the model returned [${shape.join(', ')}] for ${n} rows, expected [${n}, ...]`);
  if (shape.length === 1 && target === undefined) return out;
  if (shape.length === 2 && shape[1] === 1 && target === undefined) return out.reshape([n]);
  if (shape.length !== 2)
    throw new ShapeError(op, `expected a model output [N], [N, 1] or [N, K], got [${shape.join(', ')}]`);
  if (target === undefined)
    throw new RangeError(op, `the model returns ${shape[1]} outputs per row: pass target (the output to explain)`);
  const k = shape[1]!;
  const mask = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const t = typeof target === 'number' ? target : target[i];
    if (t === undefined || !Number.isInteger(t) || t < 0 || t >= k)
      throw new RangeError(op, `target ${t} of row ${i} is not an output index in [0, ${k})`);
    mask[i * k + t] = 1;
  }
  const m = new Tensor(new NDArray(out.dtype === 'float64' ? mask : Float32Array.from(mask), [n, k]));
  return out.mul(m).sum(1);
}

/** The explained scores of a batch as float64 numbers, without recording a graph. */
export function evalScores(op: string, f: (x: Tensor) => Tensor, x: Tensor, target?: Target): Float64Array {
  const n = x.shape[0]!;
  return noGrad(() => Float64Array.from(values(targetScores(op, f(x), n, target))));
}

/** The elements of a tensor, row-major. */
export function values(t: Tensor): ArrayLike<number> {
  const c = t.value.contiguous();
  const count = t.shape.reduce((a, b) => a * b, 1);
  return c.offset === 0 && c.data.length === count
    ? (c.data as ArrayLike<number>)
    : Array.from({ length: count }, (_, i) => c.data[c.offset + i] as number);
}

/** A tensor of `data` with `shape` in `dtype` (a float type). */
export function fromValues(data: ArrayLike<number>, shape: readonly number[], dtype: 'float32' | 'float64'): Tensor {
  const array = dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data);
  return new Tensor(new NDArray(array, [...shape]));
}

/** A per-row target narrowed to rows [start, start + count), as `targetScores` takes it. */
export function sliceTarget(target: Target | undefined, start: number, count: number): Target | undefined {
  return target === undefined || typeof target === 'number' ? target : target.slice(start, start + count);
}

/** The target of every one of `repeats` copies of a batch of n rows, stacked. */
export function repeatTarget(target: Target | undefined, repeats: number): Target | undefined {
  if (target === undefined || typeof target === 'number') return target;
  const out: number[] = [];
  for (let r = 0; r < repeats; r++) out.push(...target);
  return out;
}
