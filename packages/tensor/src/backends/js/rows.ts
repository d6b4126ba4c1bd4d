import type { Shape } from '../../shape.js';

/** Where an operand's element (i0, i1, ...) lives: offset + Σ i_d * strides[d]. */
export interface StridedView {
  readonly strides: Shape;
  readonly offset: number;
}

/**
 * Walks `shape` row by row in row-major order (a row is the innermost dimension).
 * For each row, `body` gets the row's number and each operand's offset at the row's first element;
 * the caller steps through the row with the operands' innermost strides. Iterative, any rank.
 */
export function forEachRow(
  shape: Shape,
  views: readonly StridedView[],
  body: (row: number, offsets: Int32Array | Float64Array) => void,
): void {
  const ndim = shape.length;
  const outer = ndim <= 1 ? 1 : shape.slice(0, ndim - 1).reduce((p, d) => p * d, 1);
  if (outer === 0 || (ndim > 0 && shape[ndim - 1] === 0)) return;
  const nv = views.length;
  const offsets = new Float64Array(nv);
  for (let v = 0; v < nv; v++) offsets[v] = views[v]!.offset;
  const counter = new Array<number>(Math.max(ndim - 1, 0)).fill(0);
  for (let row = 0; row < outer; row++) {
    body(row, offsets);
    // advance the multi-index over the outer dims, updating every operand's offset
    for (let d = ndim - 2; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < shape[d]!) {
        for (let v = 0; v < nv; v++) offsets[v]! += views[v]!.strides[d]!;
        break;
      }
      counter[d] = 0;
      for (let v = 0; v < nv; v++) offsets[v]! -= views[v]!.strides[d]! * (shape[d]! - 1);
    }
  }
}

/** The innermost stride of a view (0 for a scalar, which is fine: its row has length 1). */
export function innerStride(view: StridedView): number {
  return view.strides.length === 0 ? 0 : view.strides[view.strides.length - 1]!;
}

/** Length of each row visited by `forEachRow`. */
export function rowLength(shape: Shape): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}
