import { type Tensor, Rng } from '@chainrule/autograd';
import { elasticDistortion, randomAffine, randomErasing } from '@chainrule/nn';

/** The augmentations `chainrule train --augment` offers. */
export const AUGMENTATIONS = ['none', 'affine', 'elastic', 'erasing'] as const;
export type AugmentationName = (typeof AUGMENTATIONS)[number];

/** What each one does to a 28×28 digit, as shown by `--help` and in the run's settings. */
export const AUGMENTATION_DESCRIPTIONS: Record<AugmentationName, string> = {
  none: 'no augmentation',
  affine: 'random affine: rotate ±10°, translate ±2 px, scale 0.9–1.1, shear ±10°',
  elastic: 'elastic distortion (Simard et al. 2003): α 34, σ 4',
  erasing: 'random erasing: p 0.5, 2–20% of the image',
};

/**
 * A seeded augmentation of flat digit batches [B, side²] (the generator is drawn from `seed`, so
 * a run repeats exactly), or undefined for 'none'.
 * @example
 * ```ts
 * const augment = digitAugmentation('affine', 28, 0)!;
 * augment(images); // a new [B, 784] batch, each digit moved a little
 * ```
 */
export function digitAugmentation(
  name: AugmentationName,
  side: number,
  seed: number,
): ((images: Tensor) => Tensor) | undefined {
  if (name === 'none') return undefined;
  const rng = new Rng(seed + 0x5eed);
  const apply = (x: Tensor): Tensor => {
    if (name === 'affine') return randomAffine(x, { degrees: 10, translate: 2, scale: [0.9, 1.1], shear: 10, rng });
    if (name === 'elastic') return elasticDistortion(x, { alpha: 34, sigma: 4, rng });
    return randomErasing(x, { p: 0.5, scale: [0.02, 0.2], rng });
  };
  return (images) => apply(images.reshape([images.shape[0]!, side, side])).reshape([images.shape[0]!, side * side]);
}
