import type { NDArray } from '@chainrule/tensor';

/** How values are written in traces, pictures and reports. */
export interface ValueFormat {
  /** Significant digits of non-integers (default 4). */
  digits?: number;
  /** Tensors with more elements than this are summarized by shape and statistics (default 8). */
  maxElements?: number;
}

/**
 * One number for a person: integers as they are, others to `digits` significant digits
 * without trailing zeros, scientific notation for very small or large magnitudes.
 * @example formatNumber(0.19661193); // "0.1966"
 */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) {
    const s = v.toPrecision(digits);
    return s.includes('e') ? s : trimZeros(s);
  }
  const [mantissa, exponent] = v.toExponential(digits - 1).split('e');
  return `${trimZeros(mantissa!)}e${exponent}`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** The elements of an array in row-major order. */
export function elementsOf(x: NDArray): number[] {
  const c = x.contiguous();
  const out = new Array<number>(c.size);
  for (let i = 0; i < c.size; i++) out[i] = Number(c.data[c.offset + i]);
  return out;
}

/** The multi-index of row-major position `flat` in `shape`. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    index[d] = n === 0 ? 0 : rest % n;
    rest = n === 0 ? 0 : Math.floor(rest / n);
  }
  return index;
}

/** `[3,4]` */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * A whole array for a person: a number for one element, nested brackets for small arrays,
 * and `[30,784] min -1.2 max 3.4 mean 0.01` for large ones.
 * @example formatValue(array([[1, 2], [3, 4]])); // "[[1, 2], [3, 4]]"
 */
export function formatValue(x: NDArray, format: ValueFormat = {}): string {
  const digits = format.digits ?? 4;
  const maxElements = format.maxElements ?? 8;
  const values = elementsOf(x);
  if (x.ndim === 0) return formatNumber(values[0]!, digits);
  if (x.size > maxElements) return summarizeValues(values, x.shape, digits);
  return nestedBrackets(values, x.shape, (v) => formatNumber(v, digits));
}

/** Shape and min / max / mean of an array's values. */
export function summarizeValues(values: readonly number[], shape: readonly number[], digits = 4): string {
  if (values.length === 0) return `${formatShape(shape)} (empty)`;
  let lo = Infinity,
    hi = -Infinity,
    sum = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  const f = (v: number): string => formatNumber(v, digits);
  return `${formatShape(shape)} min ${f(lo)} max ${f(hi)} mean ${f(sum / values.length)}`;
}

/** Row-major values written as nested brackets, without recursion. */
function nestedBrackets(values: readonly number[], shape: readonly number[], cell: (v: number) => string): string {
  if (values.length === 0) return `${formatShape(shape)} (empty)`;
  // blocks[d] = number of elements in one sub-array starting at axis d
  const blocks = new Array<number>(shape.length);
  let size = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    size *= shape[d]!;
    blocks[d] = size;
  }
  let out = '';
  for (let i = 0; i < values.length; i++) {
    let opens = 0;
    for (const b of blocks) if (i % b! === 0) opens++;
    let closes = 0;
    for (const b of blocks) if ((i + 1) % b! === 0) closes++;
    if (i > 0) out += ', ';
    out += '['.repeat(opens) + cell(values[i]!) + ']'.repeat(closes);
  }
  return out;
}
