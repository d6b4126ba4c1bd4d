// The sorting, scan and rearrangement ops against PyTorch: forward values (and indices), and the
// input's gradient of sum(output · seed) for a random seed, float64, to 1e-10 (relative to the
// value's size where it exceeds 1).
// Regenerate the fixture: .venv/bin/python scripts/fixtures/ops.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as A from '@chainrule/autograd';

type Nested = number | Nested[];
type Args = Record<string, number | boolean | number[]>;
interface Case {
  readonly name: string;
  readonly op: string;
  readonly args: Args;
  readonly input: Nested;
  readonly output?: Nested;
  readonly indices?: Nested;
  readonly seed?: Nested;
  readonly grad?: Nested;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const num = (a: Args, k: string): number => a[k] as number;
const bool = (a: Args, k: string): boolean => a[k] as boolean;
const nums = (a: Args, k: string): number[] => a[k] as number[];

/** The op under test on x: its values, and its indices for the sorting ops. */
function run(c: Case, x: A.Tensor): { values: A.Tensor; indices?: A.Tensor } {
  const a = c.args;
  switch (c.op) {
    case 'cumprod':
      return { values: A.cumprod(x, num(a, 'axis')) };
    case 'logcumsumexp':
      return { values: A.logcumsumexp(x, num(a, 'axis')) };
    case 'sort':
      return A.sort(x, num(a, 'axis'), bool(a, 'descending'));
    case 'argsort':
      return { values: x, indices: A.argsort(x, num(a, 'axis'), bool(a, 'descending')) };
    case 'topk':
      return A.topk(x, num(a, 'k'), num(a, 'axis'), bool(a, 'largest'));
    case 'flip':
      return { values: A.flip(x, nums(a, 'axes')) };
    case 'roll':
      return {
        values: a.axes === undefined ? A.roll(x, nums(a, 'shifts')) : A.roll(x, nums(a, 'shifts'), nums(a, 'axes')),
      };
    case 'repeat':
      return { values: x.repeat(nums(a, 'sizes')) };
    case 'tile':
      return { values: x.tile(nums(a, 'reps')) };
    case 'tril':
      return { values: A.tril(x, num(a, 'diagonal')) };
    case 'triu':
      return { values: A.triu(x, num(a, 'diagonal')) };
    case 'diag':
      return { values: A.diag(x, num(a, 'diagonal')) };
    case 'diagonal':
      return { values: A.diagonal(x, num(a, 'offset'), num(a, 'axis1'), num(a, 'axis2')) };
    default:
      throw new Error(`unknown op ${c.op} in the fixture`);
  }
}

/** The largest |got − want| / max(1, |want|), after checking the shapes agree. */
function worst(got: A.Tensor, want: Nested): number {
  const w = A.tensor(want as number[], { dtype: 'float64' });
  expect(got.shape).toEqual(w.shape);
  const g = got.value.contiguous().data,
    v = w.value.contiguous().data;
  let err = 0;
  for (let i = 0; i < v.length; i++) err = Math.max(err, Math.abs(g[i]! - v[i]!) / Math.max(1, Math.abs(v[i]!)));
  return err;
}

describe('agrees with PyTorch (scripts/fixtures/ops.py)', () => {
  it('covers every op of the fixture script', () => {
    expect(new Set(fixture.cases.map((c) => c.op)).size).toBe(13);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const x = A.tensor(c.input as number[], { dtype: 'float64', requiresGrad: true });
      const { values, indices } = run(c, x);
      if (c.indices !== undefined) expect(indices!.toArray()).toEqual(c.indices);
      if (c.output === undefined) return; // argsort: positions only
      expect(worst(values, c.output)).toBeLessThanOrEqual(1e-10);
      values.backward(A.tensor(c.seed as number[], { dtype: 'float64' }));
      expect(worst(x.grad!, c.grad!)).toBeLessThanOrEqual(1e-10);
    });
  }
});
