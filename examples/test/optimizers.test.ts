import { describe, expect, it } from 'vitest';
import { compareOptimizers } from '../optimizers.js';

// A small budget (1,000 digits, 3 epochs); the script's defaults are 4,000 digits and 8 epochs.
describe('examples/optimizers', () => {
  const runs = compareOptimizers({ trainSize: 1000, epochs: 3 });
  const byName = Object.fromEntries(runs.map((r) => [r.name.split(' ')[0], r]));

  it('runs SGD, momentum, RMSprop and Adam, each with loss points per quarter epoch', () => {
    expect(runs.map((r) => r.name)).toEqual([
      'SGD lr 0.1',
      'momentum 0.9, lr 0.1',
      'RMSprop lr 0.001',
      'Adam lr 0.001',
    ]);
    for (const r of runs) expect(r.losses).toHaveLength(12);
  });

  it('every optimizer lowers the loss', () => {
    for (const r of runs) expect(r.losses.at(-1)!, r.name).toBeLessThan(r.losses[0]!);
  });

  it('momentum and the adaptive methods end below plain SGD at these learning rates', () => {
    const sgd = byName.SGD!.losses.at(-1)!;
    for (const name of ['momentum', 'RMSprop', 'Adam']) expect(byName[name]!.losses.at(-1)!, name).toBeLessThan(sgd);
    expect(byName.momentum!.testAccuracy).toBeGreaterThan(byName.SGD!.testAccuracy);
  });
});
