// `chainrule train --augment`: the seeded augmentation of each training batch.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, rand } from '@chainrule/autograd';
import { digitAugmentation } from '../src/training/augment.js';
import { run, tempDir } from './helpers/capture.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const FAST = ['--epochs', '1', '--train-size', '300', '--hidden', '8'];
const testLine = (stdout: string): string => /test accuracy: .*/.exec(stdout)![0];
const train = (name: string, extra: string[]) =>
  run([
    'train',
    ...FAST,
    ...extra,
    '--checkpoint',
    join(dir, `${name}.safetensors`),
    '--report',
    join(dir, `${name}.html`),
  ]);

describe('digitAugmentation', () => {
  it('maps flat digits [B, 784] to new flat digits, seeded, and none to nothing', () => {
    const x = rand([3, 784], { rng: new Rng(0) });
    const a = digitAugmentation('affine', 28, 1)!(x);
    expect(a.shape).toEqual([3, 784]);
    expect(a.toArray()).toEqual(digitAugmentation('affine', 28, 1)!(x).toArray());
    expect(a.toArray()).not.toEqual(digitAugmentation('affine', 28, 2)!(x).toArray());
    for (const kind of ['elastic', 'erasing'] as const)
      expect(digitAugmentation(kind, 28, 0)!(x).shape).toEqual([3, 784]);
    expect(digitAugmentation('none', 28, 0)).toBeUndefined();
  });
});

describe('chainrule train --augment', () => {
  it('trains on augmented batches, says so, and repeats exactly with the same seed', async () => {
    const plain = await train('plain', []);
    const first = await train('a1', ['--augment', 'affine']);
    const again = await train('a2', ['--augment', 'affine']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('random affine: rotate ±10°');
    expect(plain.stdout).not.toContain('random affine');
    expect(testLine(again.stdout)).toBe(testLine(first.stdout));
    expect(testLine(first.stdout)).not.toBe(testLine(plain.stdout));
  });

  it('rejects an unknown augmentation', async () => {
    const r = await run(['train', '--augment', 'flip']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--augment');
  });
});
