/**
 * Typed errors. Every message names the op, the shapes or dtypes involved, and what was
 * expected, e.g. `matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)`.
 */

/** Shapes that do not fit the op: broadcasting, matmul, reshape, concat. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

/** A dtype the op does not accept. */
export class DTypeError extends TypeError {
  override readonly name = 'DTypeError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

/** An axis or index out of range. It is also a JS `RangeError`. */
class ChainruleRangeError extends globalThis.RangeError {
  override readonly name = 'RangeError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}
export { ChainruleRangeError as RangeError };

/** Writes a shape the way messages show it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
