/** Window geometry shared by the layer emitters: per-dim sizes and ONNX pads. */
/** A size per spatial dim: one number for all, or one each (PyTorch's tuples). */
export type Sizes = number | readonly number[];
/** `v` as `n` numbers (`fallback` when absent). */
export const spread = (v: Sizes | undefined, n: number, fallback: number): number[] =>
  v === undefined ? new Array<number>(n).fill(fallback) : typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];

/** ONNX pads (all befores, then all afters) of a padding; 'same' puts the odd pixel after, as PyTorch. */
export function convPads(
  padding: Sizes | 'same' | 'valid' | undefined,
  kernel: number[],
  dilation: number[],
): number[] {
  const n = kernel.length;
  if (padding === 'valid') return new Array<number>(2 * n).fill(0);
  if (padding === 'same') {
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    const before = total.map((t) => Math.floor(t / 2));
    return [...before, ...total.map((t, i) => t - before[i]!)];
  }
  const p = spread(padding, n, 0);
  return [...p, ...p];
}
