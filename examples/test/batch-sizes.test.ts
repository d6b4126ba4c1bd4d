import { describe, expect, it } from 'vitest';
import { batchSizes } from '../batch-sizes.js';

// 500 digits and 5 epochs instead of 1,000 and 20; wall time is reported by the script, not tested
describe('examples/batch-sizes', () => {
  const [full, mini, single] = batchSizes({ trainSize: 500, epochs: 5 });

  it('makes more progress per epoch the smaller the batch (more updates per epoch)', () => {
    expect(mini!.loss[4]!).toBeLessThan(full!.loss[4]!);
    expect(single!.loss[4]!).toBeLessThan(full!.loss[4]!);
    expect(full!.loss[4]!).toBeLessThan(full!.loss[0]!); // the full batch still descends
  });

  it('records the loss and the time of every epoch', () => {
    for (const r of [full, mini, single]) {
      expect(r!.loss).toHaveLength(5);
      expect(r!.seconds).toHaveLength(5);
      expect(r!.seconds.every((s, i) => i === 0 || s >= r!.seconds[i - 1]!)).toBe(true);
    }
  });
});
