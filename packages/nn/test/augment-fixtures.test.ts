// randomAffine against PyTorch's affine_grid + grid_sample (bilinear, zero padding) for fixed transforms.
// Regenerate the fixture: .venv/bin/python scripts/fixtures/augment_affine.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@chainrule/tensor';
import { tensor } from '@chainrule/autograd';
import { randomAffine } from '@chainrule/nn';

interface Case {
  name: string;
  shape: [number, number, number, number];
  degrees: number;
  scale: number;
  shear: number;
  input: number[];
  output: number[];
}

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/augment-affine.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('randomAffine matches PyTorch grid_sample', () => {
  for (const c of cases) {
    it(c.name, () => {
      const x = tensor(Float64Array.from(c.input)).reshape(c.shape);
      const y = randomAffine(x, {
        degrees: [c.degrees, c.degrees],
        scale: [c.scale, c.scale],
        shear: [c.shear, c.shear],
        rng: new Rng(0),
      });
      expect(y.shape).toEqual(c.shape);
      const got = Array.from(y.value.contiguous().data as Float64Array);
      got.forEach((v, i) => void expect(v).toBeCloseTo(c.output[i]!, 12));
    });
  }
});
