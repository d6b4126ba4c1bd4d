import { describe, expect, it } from 'vitest';
import { normalizationCompare } from '../normalization-compare.js';

// 600 digits and 3 epochs instead of the script's 2,000 and 10.
describe('examples/normalization-compare', () => {
  const [none, batch, layer, group] = normalizationCompare({ trainSize: 600, epochs: 3 });

  it('every normalization makes the net learn faster than the plain one', () => {
    for (const r of [batch, layer, group]) expect(r!.trainLoss[0]!).toBeLessThan(none!.trainLoss[0]!);
    for (const r of [none, batch, layer, group]) {
      expect(r!.trainLoss).toHaveLength(3);
      expect(r!.trainLoss[2]!).toBeLessThan(r!.trainLoss[0]!);
    }
    // on this short budget the plain net has barely started; the normalized ones are well along
    for (const r of [batch, layer, group]) {
      expect(r!.finalTest).toBeGreaterThan(0.7);
      expect(r!.finalTest).toBeGreaterThan(none!.finalTest + 0.15);
    }
  });

  it("BatchNorm's output depends on the batch in training mode, not in eval mode", () => {
    expect(batch!.batchDependenceTrain).toBeGreaterThan(1e-2);
    expect(batch!.batchDependenceEval).toBeLessThan(1e-4);
  });

  it('LayerNorm and GroupNorm are per sample in both modes', () => {
    for (const r of [layer, group, none]) {
      expect(r!.batchDependenceTrain).toBeLessThan(1e-4); // float32 rounding only
      expect(r!.batchDependenceEval).toBeLessThan(1e-4);
    }
  });
});
