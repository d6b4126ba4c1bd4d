/** Python literals for generated source: numbers, booleans, strings, tuples, keyword lists. */
import type { DType } from '@chainrule/tensor';

/** A value a generated call can take: numbers, booleans, strings, null (None), tuples, or raw code. */
export type PyValue = number | boolean | string | null | readonly PyValue[] | { code: string };

/** Python source for `v`: `True`, `1e-05`, `'same'`, `None`, `(2, 2)`, or raw code as is. */
export function py(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return "float('nan')";
    if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "-float('inf')";
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0] as PyValue)},)` : `(${v.map(py).join(', ')})`;
  return (v as { code: string }).code;
}

/** `a, b, key=value, ...` for a call: positional values, then keywords in their order. */
export function pyArgs(positional: readonly PyValue[], keywords: Readonly<Record<string, PyValue>> = {}): string {
  return [...positional.map(py), ...Object.entries(keywords).map(([k, v]) => `${k}=${py(v)}`)].join(', ');
}

/** The torch dtype of a chainrule dtype (`torch.float64` for 'float64'). */
export function torchDtype(dtype: DType): string {
  return `torch.${dtype}`;
}

/** `text` with every non-empty line indented by `by` spaces. */
export function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : pad + line))
    .join('\n');
}
