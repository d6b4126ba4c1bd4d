// console.log(t) in Node prints the tensor as PyTorch does, not its internals.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tensor } from '@chainrule/autograd';

describe('printing a tensor', () => {
  it('util.inspect (what console.log uses) prints the values, not the fields', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    expect(inspect(x)).toBe(x.toString());
    expect(inspect(x)).toBe('tensor([[1., 2.],\n        [3., 4.]], dtype=float32, requiresGrad=true)');
    expect(inspect(x)).not.toMatch(/value|versionCounter|hooks|storage/);
    expect(inspect(x.mul(2))).toMatch(/op=mul\)$/);
    expect(inspect({ w: tensor(1.5) })).toBe('{ w: tensor(1.5000, dtype=float32) }');
  });
});
