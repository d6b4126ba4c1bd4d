import { describe, expect, it } from 'vitest';
import { DTypeError, RangeError, Rng, ShapeError } from '@chainrule/tensor';
import { type Tensor, rand, tensor, zeros } from '@chainrule/autograd';
import { DataLoader, TensorDataset, elasticDistortion, randomAffine, randomErasing } from '@chainrule/nn';

const flat = (t: Tensor): number[] => Array.from(t.value.contiguous().data as ArrayLike<number>);
const image = (n: number, h: number, w: number, seed: number, dtype: 'float32' | 'float64' = 'float64'): Tensor =>
  rand([n, h, w], { dtype, rng: new Rng(seed) });

describe('randomAffine', () => {
  it('gives the input back with identity parameters', () => {
    const x = image(3, 7, 5, 1);
    const y = randomAffine(x, { degrees: 0, translate: 0, scale: [1, 1], shear: 0, rng: new Rng(0) });
    expect(flat(y)).toEqual(flat(x));
    expect(y.shape).toEqual(x.shape);
    expect(y.dtype).toBe('float64');
  });

  it('rotates a known image by 90 degrees counterclockwise, as numpy.rot90', () => {
    const x = image(2, 6, 6, 2);
    const y = randomAffine(x, { degrees: [90, 90], rng: new Rng(0) }).toArray() as number[][][];
    const a = x.toArray() as number[][][];
    for (let n = 0; n < 2; n++)
      for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) expect(y[n]![r]![c]).toBeCloseTo(a[n]![c]![5 - r]!, 12);
  });

  it('scales about the centre: a factor 2 reads the input at half the distance from the centre', () => {
    // a linear ramp along x is mapped exactly by bilinear sampling: out(x) = in(c + (x - c)/2)
    const ramp = tensor([Array.from({ length: 5 }, () => [0, 1, 2, 3, 4])], { dtype: 'float64' });
    const y = randomAffine(ramp, { scale: [2, 2], rng: new Rng(0) }).toArray() as number[][][];
    expect(y[0]![2]).toEqual([1, 1.5, 2, 2.5, 3]);
  });

  it('is seeded: the same seed gives the same batch, another seed another batch', () => {
    const x = image(4, 10, 10, 3, 'float32');
    const opts = { degrees: 15, translate: 2, scale: [0.9, 1.1] as const, shear: 10 };
    const a = randomAffine(x, { ...opts, rng: new Rng(5) });
    const b = randomAffine(x, { ...opts, rng: new Rng(5) });
    const c = randomAffine(x, { ...opts, rng: new Rng(6) });
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    expect(a.dtype).toBe('float32');
  });

  it('applies one transform to every channel of an image [N, C, H, W]', () => {
    const one = image(2, 8, 8, 4);
    const x = one.unsqueeze(1).expand([2, 3, 8, 8]);
    const y = randomAffine(x, { degrees: 30, translate: 1, rng: new Rng(1) }).toArray() as number[][][][];
    expect(y[1]![0]).toEqual(y[1]![2]);
    expect(y[0]![1]).toEqual(y[0]![0]);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => randomAffine(zeros([4, 4]), {})).toThrow(ShapeError);
    expect(() => randomAffine(zeros([1, 4, 4], { dtype: 'int32' }), {})).toThrow(DTypeError);
    expect(() => randomAffine(zeros([1, 4, 4]), { scale: [0, 1] })).toThrow(RangeError);
    expect(() => randomAffine(zeros([1, 4, 4]), { degrees: [10, -10] })).toThrow(RangeError);
  });
});

describe('elasticDistortion', () => {
  it('gives the input back with alpha 0', () => {
    const x = image(2, 9, 9, 7);
    expect(flat(elasticDistortion(x, { alpha: 0, sigma: 3, rng: new Rng(0) }))).toEqual(flat(x));
  });

  it('moves pixels by at most alpha (the smoothed fields are in [-1, 1]) and is seeded', () => {
    const x = image(3, 12, 12, 8);
    const a = elasticDistortion(x, { alpha: 8, sigma: 3, rng: new Rng(2) });
    expect(flat(a)).toEqual(flat(elasticDistortion(x, { alpha: 8, sigma: 3, rng: new Rng(2) })));
    expect(flat(a)).not.toEqual(flat(x));
    expect(a.shape).toEqual([3, 12, 12]);
    // a constant image stays constant away from the border
    const c = elasticDistortion(tensor([Array.from({ length: 40 }, () => new Array(40).fill(1))]), {
      alpha: 2,
      sigma: 4,
      rng: new Rng(1),
    }).toArray() as number[][][];
    for (let r = 4; r < 36; r++) for (let q = 4; q < 36; q++) expect(c[0]![r]![q]).toBeCloseTo(1, 6);
  });

  it('rejects a non-positive sigma', () => {
    expect(() => elasticDistortion(zeros([1, 4, 4]), { sigma: 0 })).toThrow(RangeError);
  });
});

describe('randomErasing', () => {
  it('keeps every image with p = 0', () => {
    const x = image(5, 8, 8, 9);
    expect(flat(randomErasing(x, { p: 0, rng: new Rng(0) }))).toEqual(flat(x));
  });

  it('erases one rectangle whose area fraction lies in scale, in every channel', () => {
    const n = 20;
    const x = tensor(new Float64Array(n * 2 * 20 * 20).fill(1)).reshape([n, 2, 20, 20]);
    const y = randomErasing(x, { p: 1, scale: [0.1, 0.2], ratio: [0.5, 2], value: 0, rng: new Rng(4) });
    const v = y.toArray() as number[][][][];
    for (let i = 0; i < n; i++) {
      const zeroCells: [number, number][] = [];
      for (let r = 0; r < 20; r++) for (let c = 0; c < 20; c++) if (v[i]![0]![r]![c] === 0) zeroCells.push([r, c]);
      expect(v[i]![1]).toEqual(v[i]![0]);
      const rows = zeroCells.map(([r]) => r);
      const cols = zeroCells.map(([, c]) => c);
      const h = Math.max(...rows) - Math.min(...rows) + 1;
      const w = Math.max(...cols) - Math.min(...cols) + 1;
      expect(h * w).toBe(zeroCells.length); // a filled rectangle
      expect(zeroCells.length / 400).toBeGreaterThanOrEqual(0.06); // 0.1 up to rounding of the sides
      expect(zeroCells.length / 400).toBeLessThanOrEqual(0.27);
    }
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => randomErasing(zeros([1, 4, 4]), { p: 2 })).toThrow(RangeError);
  });
});

describe('DataLoader transform', () => {
  it('applies a seeded augmentation to each batch and leaves the labels alone', () => {
    const x = image(6, 5, 5, 1);
    const y = tensor([0, 1, 2, 3, 4, 5]);
    const run = (): number[][] => {
      const rng = new Rng(3);
      const loader = new DataLoader(new TensorDataset(x, y), {
        batchSize: 4,
        transform: ([xb, yb]): [Tensor, Tensor] => [randomErasing(xb, { p: 1, rng }), yb],
      });
      return [...loader].flatMap(([xb, yb]) => [flat(xb), flat(yb)]);
    };
    const first = run();
    expect(first).toEqual(run());
    expect(first[1]).toEqual([0, 1, 2, 3]);
    expect(first[0]).not.toEqual(flat(x).slice(0, 100));
  });
});
