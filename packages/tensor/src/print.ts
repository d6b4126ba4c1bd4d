import type { NDArray } from './ndarray.js';

/** Printing options, like torch.set_printoptions. */
export interface PrintOptions {
  /** Arrays with more elements than this are summarized with `...`. */
  threshold?: number;
  /** Items shown at each end of a summarized axis. */
  edgeItems?: number;
  /** Digits after the decimal point for floats. */
  precision?: number;
}

const DEFAULTS: Required<PrintOptions> = { threshold: 1000, edgeItems: 3, precision: 4 };

/**
 * Formats an array like PyTorch: nested brackets aligned in columns, floats with 4 decimals
 * (or scientific when magnitudes call for it), and large arrays summarized with `...`.
 * @example formatArray(array([[1, 2], [3, 4]])); // "[[1., 2.],\n [3., 4.]]"
 */
export function formatArray(x: NDArray, options: PrintOptions = {}): string {
  const opt = { ...DEFAULTS, ...options };
  const summarize = x.size > opt.threshold;
  const values = collectShown(x, summarize ? opt.edgeItems : Infinity);
  const fmt = numberFormatter(x.dtype, values, opt.precision);
  const width = values.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const cell = (v: number): string => fmt(v).padStart(width);
  if (x.ndim === 0) return fmt(x.item());
  return renderNested(x, cell, summarize ? opt.edgeItems : Infinity);
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
function renderNested(x: NDArray, cell: (v: number) => string, edge: number): string {
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
    const sep = innermost ? ', ' : ',' + '\n'.repeat(x.ndim - depth - 1) + ' '.repeat(depth + 1);
    const frames: Frame[] = [{ kind: 'text', text: '[' }];
    idx.forEach((i, k) => {
      if (k > 0) frames.push({ kind: 'text', text: sep });
      if (i < 0) frames.push({ kind: 'text', text: '...' });
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
  const finite = values.filter((v) => Number.isFinite(v));
  const special = (v: number): string | undefined => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : undefined);
  if (finite.every((v) => Number.isInteger(v)) && finite.every((v) => Math.abs(v) < 1e8)) {
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const big = nonzero.length > 0 && Math.max(...nonzero) >= 1e8;
  const small = nonzero.length > 0 && Math.min(...nonzero) < 1e-4;
  const ratio = nonzero.length > 0 && Math.max(...nonzero) / Math.min(...nonzero) > 1e3;
  if (big || (small && ratio)) return (v) => special(v) ?? v.toExponential(precision);
  return (v) => special(v) ?? v.toFixed(precision);
}
