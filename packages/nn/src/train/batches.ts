import * as T from '@chainrule/tensor';
import type { NDArray, Rng } from '@chainrule/tensor';
import { Tensor } from '@chainrule/autograd';

/** One batch: inputs and targets, as tensors or arrays. */
export type Batch = readonly [Tensor | NDArray, Tensor | NDArray];

/** Whole arrays to be cut into batches by `fit`/`evaluate`. */
export interface ArrayData {
  x: Tensor | NDArray;
  y: Tensor | NDArray;
}

/** Where batches come from: any iterable of [x, y] (a DataLoader, an array of batches), or whole arrays. */
export type BatchSource = Iterable<Batch> | ArrayData;

export const asTensor = (t: Tensor | NDArray): Tensor => (t instanceof Tensor ? t : new Tensor(t));

function isArrayData(source: BatchSource): source is ArrayData {
  return (
    typeof source === 'object' && source !== null && 'x' in source && 'y' in source && !(Symbol.iterator in source)
  );
}

/**
 * The batches of one pass. Whole arrays are cut into batches of `batchSize` (all at once when
 * omitted), shuffled when `rng` is given; an iterable is iterated afresh (a DataLoader reshuffles).
 */
export function* batchesOf(
  op: string,
  source: BatchSource,
  batchSize: number | undefined,
  rng: Rng | null,
): Generator<[Tensor, Tensor]> {
  if (!isArrayData(source)) {
    for (const batch of source) {
      if (!Array.isArray(batch) || batch.length < 2) throw new TypeError(`${op}: each batch must be an [x, y] pair`);
      yield [asTensor(batch[0]), asTensor(batch[1])];
    }
    return;
  }
  const x = asTensor(source.x).value,
    y = asTensor(source.y).value;
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new T.ShapeError(
      op,
      `x ${T.fmtShape(x.shape)} and y ${T.fmtShape(y.shape)} must have the same first axis (one row per sample)`,
    );
  }
  const n = x.shape[0]!;
  const size = batchSize ?? n;
  if (!Number.isInteger(size) || size < 1)
    throw new T.RangeError(op, `batchSize must be a positive integer, got ${size}`);
  if (rng === null && size >= n) {
    yield [new Tensor(x), new Tensor(y)];
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (rng !== null) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  for (let at = 0; at < n; at += size) {
    const idx = T.array(order.slice(at, at + size), 'int32');
    yield [new Tensor(T.indexSelect(x, 0, idx) as NDArray), new Tensor(T.indexSelect(y, 0, idx) as NDArray)];
  }
}
