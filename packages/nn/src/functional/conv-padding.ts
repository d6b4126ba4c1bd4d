/**
 * The non-zero padding modes of the convolution layers (PyTorch's `padding_mode`): the padded input
 * is gathered from the input with `indexSelect` along each spatial axis, so its gradient
 * scatter-adds back (and gradients of gradients work).
 */
import * as T from '@chainrule/tensor';
import { Tensor, indexSelect } from '@chainrule/autograd';

/** How a convolution layer pads: with zeros (default), the mirror image, the edge value, or wrapping around. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** The padding modes. */
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** The input position read by each position of an axis of `size` padded by `before` and `after`. */
function sourceIndex(op: string, mode: PaddingMode, size: number, before: number, after: number): Int32Array {
  const most = Math.max(before, after);
  if ((mode === 'reflect' && most >= size) || (mode === 'circular' && most > size)) {
    throw new T.ShapeError(
      op,
      `padding ${most} is too large for '${mode}' padding of a size-${size} axis ` +
        `(expected below ${mode === 'reflect' ? 'the size' : 'or at the size'})`,
    );
  }
  const index = new Int32Array(size + before + after);
  for (let j = 0; j < index.length; j++) {
    const i = j - before;
    if (mode === 'reflect') index[j] = i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
    else if (mode === 'replicate') index[j] = Math.min(Math.max(i, 0), size - 1);
    else index[j] = ((i % size) + size) % size;
  }
  return index;
}

/**
 * Pads the trailing spatial axes of x ([N, C, ...spatial]) by `pads` ([before, after] per spatial
 * axis) in a non-zero mode.
 */
export function padSpatial(
  op: string,
  x: Tensor,
  mode: Exclude<PaddingMode, 'zeros'>,
  pads: ReadonlyArray<readonly [number, number]>,
): Tensor {
  let y = x;
  const first = x.ndim - pads.length;
  pads.forEach(([before, after], i) => {
    if (before === 0 && after === 0) return;
    const index = sourceIndex(op, mode, x.shape[first + i]!, before, after);
    y = indexSelect(y, first + i, new Tensor(T.fromTypedArray(index)));
  });
  return y;
}
