import type { NDArray } from './ndarray.js';

/** Printing options, like torch.set_printoptions. */
export interface PrintOptions {
  /** Arrays with more elements than this are summarized with `...`. */
  threshold?: number;
  /** Items shown at each end of a summarized axis. */
  edgeItems?: number;
  /** Digits after the decimal point for floats. */
  precision?: number;
  /** Columns every line after the first is indented by (e.g. the width of a `array(` prefix). */
  indent?: number;
}

const DEFAULTS: Required<PrintOptions> = { threshold: 1000, edgeItems: 3, precision: 4, indent: 0 };

/**
 * Formats an array like PyTorch: nested brackets aligned in columns, floats with 4 decimals
 * (or scientific when magnitudes call for it), and large arrays summarized with `...`.
 * @example formatArray(array([[1, 2], [3, 4]])); // "[[1., 2.],\n [3., 4.]]"
 */
export function formatArray(x: NDArray, options: PrintOptions = {}): string {
  const opt = { ...DEFAULTS, ...options };
  if (x.size === 0) return '[]'; // as PyTorch; toString adds the shape
  const summarize = x.size > opt.threshold;
  const values = collectShown(x, summarize ? opt.edgeItems : Infinity);
  const fmt = numberFormatter(x.dtype, values, opt.precision);
  // as PyTorch: the column width comes from the finite values; nan and inf are padded to it, never cut
  const float = x.dtype === 'float32' || x.dtype === 'float64';
  const width = values.reduce((w, v) => (float && !Number.isFinite(v) ? w : Math.max(w, fmt(v).length)), 1);
  const cell = (v: number): string => fmt(v).padStart(width);
  if (x.ndim === 0) return fmt(x.item());
  return renderNested(x, cell, summarize ? opt.edgeItems : Infinity, opt.indent);
}

/** Indices shown along an axis of length n: all, or the first and last `edge` with a gap marker (-1). */
function shownIndices(n: number, edge: number): number[] {
  if (n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
}

function collectShown(x: NDArray, edge: number): number[] {
  const out: number[] = [];
  const stack: { index: number[] }[] = [{ index: [] }];
  while (stack.length > 0) {
    const { index } = stack.pop()!;
    if (index.length === x.ndim) {
      out.push(x.get(...index));
      continue;
    }
    for (const i of shownIndices(x.shape[index.length]!, edge)) if (i >= 0) stack.push({ index: [...index, i] });
  }
  return out;
}

/** Renders nested brackets iteratively: each stack frame is one (sub)array to open or a token to emit. */
function renderNested(x: NDArray, cell: (v: number) => string, edge: number, indent: number): string {
  type Frame = { kind: 'open'; index: number[] } | { kind: 'text'; text: string };
  const parts: string[] = [];
  const stack: Frame[] = [{ kind: 'open', index: [] }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (f.kind === 'text') {
      parts.push(f.text);
      continue;
    }
    const depth = f.index.length;
    const idx = shownIndices(x.shape[depth]!, edge);
    const innermost = depth === x.ndim - 1;
    const sep = innermost ? ', ' : `,${'\n'.repeat(x.ndim - depth - 1)}${' '.repeat(indent + depth + 1)}`;
    const frames: Frame[] = [{ kind: 'text', text: '[' }];
    idx.forEach((i, k) => {
      if (k > 0) frames.push({ kind: 'text', text: sep });
      // PyTorch writes ' ...' inside a row (so `2,  ..., 7`) and '...' on a line of its own
      if (i < 0) frames.push({ kind: 'text', text: innermost ? ' ...' : '...' });
      else if (innermost) frames.push({ kind: 'text', text: cell(x.get(...f.index, i)) });
      else frames.push({ kind: 'open', index: [...f.index, i] });
    });
    frames.push({ kind: 'text', text: ']' });
    for (let k = frames.length - 1; k >= 0; k--) stack.push(frames[k]!);
  }
  return parts.join('');
}

function numberFormatter(dtype: string, values: readonly number[], precision: number): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'true' : 'false');
  if (dtype === 'int32') return (v) => String(v);
  const special = (v: number): string | undefined =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : undefined;
  // PyTorch's rule (torch/_tensor_str.py): look at the finite non-zero magnitudes only.
  let lo = Infinity,
    hi = 0,
    integral = true;
  for (const v of values) {
    if (!Number.isFinite(v) || v === 0) continue;
    const a = Math.abs(v);
    if (a < lo) lo = a;
    if (a > hi) hi = a;
    if (v !== Math.ceil(v)) integral = false;
  }
  const sci = hi > 0 && (hi / lo > 1e3 || hi > 1e8 || lo < 1e-4);
  if (sci) return (v) => special(v) ?? scientific(v, precision);
  if (integral) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  return (v) => special(v) ?? v.toFixed(precision);
}

/** C's `%.{p}e`: a mantissa with p decimals and an exponent of at least two digits (1.5000e+03). */
function scientific(v: number, precision: number): string {
  const [mantissa, exponent] = v.toExponential(precision).split('e') as [string, string];
  const sign = exponent[0] === '-' ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '');
  return `${mantissa}e${sign}${digits.padStart(2, '0')}`;
}
