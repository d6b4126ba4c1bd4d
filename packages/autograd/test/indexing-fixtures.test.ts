// Indexing against PyTorch 2.13 (float64): x.at(...) (and its string spec), scatter / scatterReduce,
// indexPut and maskedFill; outputs and the gradients of sum(out * g) to 1e-10. Negative slice steps,
// which PyTorch refuses, come from NumPy (x[index], np.add.at).
// Regenerate the fixture: .venv/bin/python scripts/fixtures/indexing.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ELLIPSIS,
  type IndexItem,
  NEW_AXIS,
  type Tensor,
  indexPut,
  maskedFill,
  scatter,
  sl,
  tensor,
} from '@chainrule/autograd';
import type { NestedArray } from '@chainrule/tensor';

type Nested = NestedArray;
type ItemJson =
  | { int: number }
  | { slice: [number | null, number | null, number | null] }
  | { new: true }
  | { ellipsis: true }
  | { index: Nested }
  | { mask: Nested };
interface AtCase {
  name: string;
  x: Nested;
  index: ItemJson[];
  spec?: string;
  out: Nested;
  g: Nested;
  grad: Nested;
}
interface ScatterCase {
  name: string;
  x: Nested;
  axis: number;
  index: Nested;
  src: Nested;
  reduce: 'sum' | 'mean' | 'amax' | 'amin' | null;
  includeSelf: boolean;
  out: Nested;
  g: Nested;
  gradX: Nested;
  gradSrc: Nested;
}
interface IndexPutCase {
  name: string;
  x: Nested;
  index: ItemJson[];
  values: Nested;
  accumulate: boolean;
  out: Nested;
  g: Nested;
  gradX: Nested;
  gradValues: Nested;
}
interface MaskedFillCase {
  name: string;
  x: Nested;
  mask: Nested;
  value: number;
  out: Nested;
  g: Nested;
  gradX: Nested;
  gradValue: number;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/indexing.json', import.meta.url), 'utf8')) as {
  at: AtCase[];
  scatter: ScatterCase[];
  indexPut: IndexPutCase[];
  maskedFill: MaskedFillCase[];
};

const f64 = (v: Nested, requiresGrad = false): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

/** The typed item a JSON item stands for. */
function item(j: ItemJson): IndexItem {
  if ('int' in j) return j.int;
  if ('slice' in j) return sl(...j.slice);
  if ('new' in j) return NEW_AXIS;
  if ('ellipsis' in j) return ELLIPSIS;
  if ('index' in j) return tensor(j.index, { dtype: 'int32' });
  return tensor(j.mask, { dtype: 'bool' });
}

function expectClose(t: Tensor | null, expected: Nested, what: string): void {
  expect(t, what).not.toBeNull();
  const want = tensor(expected, { dtype: 'float64' });
  expect(t!.shape, `${what}: shape`).toEqual(want.shape);
  const a = t!.value.contiguous().data,
    b = want.value.data;
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])));
  expect(worst, `${what}: largest difference`).toBeLessThanOrEqual(1e-10);
}

describe('x.at(...) against PyTorch', () => {
  for (const c of fixture.at) {
    it(c.name, () => {
      const x = f64(c.x, true);
      const out = x.at(...c.index.map(item));
      expectClose(out, c.out, 'out');
      out.mul(f64(c.g)).sum().backward();
      expectClose(x.grad, c.grad, 'grad');
      if (c.spec !== undefined) expectClose(x.at(c.spec), c.out, `out of '${c.spec}'`);
    });
  }
});

describe('scatter against PyTorch scatter / scatter_reduce', () => {
  for (const c of fixture.scatter) {
    it(c.name, () => {
      const x = f64(c.x, true),
        src = f64(c.src, true);
      const index = tensor(c.index, { dtype: 'int32' });
      const out = scatter(
        x,
        c.axis,
        index,
        src,
        c.reduce === null ? {} : { reduce: c.reduce, includeSelf: c.includeSelf },
      );
      expectClose(out, c.out, 'out');
      out.mul(f64(c.g)).sum().backward();
      expectClose(x.grad, c.gradX, 'grad of x');
      expectClose(src.grad, c.gradSrc, 'grad of src');
    });
  }
});

describe('indexPut against PyTorch index_put', () => {
  for (const c of fixture.indexPut) {
    it(c.name, () => {
      const x = f64(c.x, true),
        values = f64(c.values, true);
      const out = indexPut(x, c.index.map(item), values, { accumulate: c.accumulate });
      expectClose(out, c.out, 'out');
      out.mul(f64(c.g)).sum().backward();
      expectClose(x.grad, c.gradX, 'grad of x');
      expectClose(values.grad, c.gradValues, 'grad of the values');
    });
  }
});

describe('maskedFill against PyTorch masked_fill', () => {
  for (const c of fixture.maskedFill) {
    it(c.name, () => {
      const x = f64(c.x, true),
        value = f64(c.value, true);
      const out = maskedFill(x, tensor(c.mask, { dtype: 'bool' }), value);
      expectClose(out, c.out, 'out');
      out.mul(f64(c.g)).sum().backward();
      expectClose(x.grad, c.gradX, 'grad of x');
      expectClose(value.grad, c.gradValue, 'grad of the value');
    });
  }
});
