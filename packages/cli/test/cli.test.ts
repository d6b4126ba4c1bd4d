/**
 * The commands end to end through `main(argv)`, on a small fast configuration: one epoch on the
 * first 2,000 training digits. The full-size run (npm start) is measured in the README.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '@chainrule/nn';
import { encodePgm } from '../src/image/pgm.js';
import { IMAGE_SIZE, mnistSplit } from '../src/mnist.js';
import { encodePng } from './helpers/png-encode.js';
import { type Run, run, tempDir } from './helpers/capture.js';

const FAST = ['--epochs', '1', '--train-size', '2000'];
const { dir, cleanup } = tempDir();
const checkpoint = join(dir, 'model.safetensors');
const report = join(dir, 'report.html');
let trained: Run;

/** The percentage after `label` in `text`. */
function percentAfter(text: string, label: string): number {
  const m = new RegExp(`${label}\\s*([0-9.]+)%`).exec(text);
  if (m === null) throw new Error(`no '${label} NN%' in:\n${text}`);
  return Number(m[1]);
}

/** The ten `class  p%` lines of predict's output, as fractions. */
function probabilities(stdout: string): number[] {
  const lines = stdout.split('\n').filter((l) => /^ ?\d {2,}[0-9.]+% [█·]/.test(l));
  expect(lines).toHaveLength(10);
  return lines.map((l) => Number(/([0-9.]+)%/.exec(l)![1]) / 100);
}

beforeAll(async () => {
  trained = await run(['train', ...FAST, '--checkpoint', checkpoint, '--report', report]);
});
afterAll(cleanup);

describe('chainrule train', () => {
  it('trains, prints the run and writes the checkpoint and the report', () => {
    expect(trained.stderr).toMatch(/epoch 1\/1 \[=+\] 200\/200 loss [0-9.]+ .*samples\/s in .* val acc [0-9.]+%/);
    expect(trained.stdout).toContain('model:    784-30-10, sigmoid hidden units, sigmoid outputs, 23,860 parameters');
    expect(trained.stdout).toContain('2,000 train / 1,000 validation / 1,000 test');
    expect(trained.stdout).toContain('Loss per sample, by epoch');
    expect(trained.stdout).toContain(`checkpoint: ${checkpoint}`);
    expect(trained.stdout).toContain(`report:     ${report}`);
    // one epoch on 2,000 digits is far from converged, but far above chance (10%)
    expect(percentAfter(trained.stdout, 'test accuracy:')).toBeGreaterThan(60);
    expect(trained.code).toBe(0);
  });

  it('stores the architecture and the settings in the checkpoint metadata', () => {
    const { tensors, metadata } = decodeSafetensors(readFileSync(checkpoint));
    expect(metadata).toMatchObject({
      format: 'chainrule-mlp/1',
      inputs: '784',
      hidden: '30',
      classes: '10',
      activation: 'sigmoid',
      output: 'sigmoid',
      loss: 'mse',
      optimizer: 'sgd',
      lr: '3',
      batch_size: '10',
      epochs: '1',
      split_seed: '0',
    });
    expect([...tensors.keys()].sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
    expect(tensors.get('fc1.weight')!.shape).toEqual([30, 784]);
    expect(Number(metadata.test_accuracy) * 100).toBeCloseTo(percentAfter(trained.stdout, 'test accuracy:'), 1);
  });

  it('writes a self-contained HTML report with the curves and the confusion matrix', () => {
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Confusion matrix');
    expect(html).toContain('Validation accuracy');
    expect(html).toContain('Test precision, recall and F1 per class');
    expect(html.match(/<rect [^>]*><title>[0-9], (precision|recall|F1): /g)?.length).toBeGreaterThan(20);
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('leaves no temporary files behind', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('trains other architectures from flags: two hidden layers, relu, cross-entropy, adam, dropout, L2', async () => {
    const ck = join(dir, 'new', 'folder', 'relu.safetensors'); // folders created after the run
    const r = await run([
      'train',
      '--epochs',
      '1',
      '--train-size',
      '500',
      '--hidden',
      '16,12',
      '--activation',
      'relu',
      '--loss',
      'ce',
      '--optimizer',
      'adam',
      '--dropout',
      '0.2',
      '--l2',
      '1',
      '--checkpoint',
      ck,
      '--report',
      join(dir, 'relu.html'),
    ]);
    for (const line of r.stderr.trimEnd().split('\n')) expect(line).toMatch(/^epoch 1\/1 /); // progress only
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('784-16-12-10, relu hidden units, logits outputs');
    expect(r.stdout).toContain('cross-entropy, adam lr 0.001, batch 10, 1 epoch, L2 λ 1, dropout 0.2');
    const { metadata, tensors } = decodeSafetensors(readFileSync(ck));
    expect(metadata).toMatchObject({
      hidden: '16,12',
      activation: 'relu',
      output: 'logits',
      dropout: '0.2',
      loss: 'ce',
    });
    expect(tensors.get('fc3.weight')!.shape).toEqual([10, 12]);
    // eval rebuilds this architecture from the metadata
    const e = await run(['eval', ck]);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('784-16-12-10, relu hidden units, logits outputs');
  });
});

describe('chainrule train --patience (early stopping)', () => {
  it('stops when the validation accuracy stalls and saves the best epoch, which eval reproduces', async () => {
    const ck = join(dir, 'early.safetensors');
    const r = await run([
      'train',
      '--patience',
      '1',
      '--epochs',
      '10',
      '--train-size',
      '300',
      '--checkpoint',
      ck,
      '--report',
      join(dir, 'early.html'),
    ]);
    expect(r.code).toBe(0);
    const m =
      /stopped early after epoch (\d+); kept the weights of epoch (\d+) \(validation accuracy ([0-9.]+)%\)/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    const [stopped, best] = [Number(m![1]), Number(m![2])];
    expect(stopped).toBe(best + 1);
    const valAcc = [...r.stderr.matchAll(/^epoch (\d+)\/10 \[=+\].* val acc ([0-9.]+)%$/gm)].map((x) => Number(x[2]));
    expect(valAcc).toHaveLength(stopped);
    expect(Number(m![3])).toBe(Math.max(...valAcc));
    const { metadata } = decodeSafetensors(readFileSync(ck));
    expect(metadata).toMatchObject({ epochs: String(stopped), best_epoch: String(best) });
    expect(100 * Number(metadata.val_accuracy)).toBeCloseTo(valAcc[best - 1]!, 6);
    expect(percentAfter((await run(['eval', ck])).stdout, 'accuracy:')).toBe(percentAfter(r.stdout, 'test accuracy:'));
  });
});

describe('chainrule eval', () => {
  it('reproduces the test accuracy of the run from the checkpoint alone', async () => {
    const r = await run(['eval', checkpoint]);
    expect(r.code).toBe(0);
    expect(percentAfter(r.stdout, 'accuracy:')).toBe(percentAfter(trained.stdout, 'test accuracy:'));
    expect(r.stdout).toMatch(/true\\pred\s+0\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+precision\s+recall\s+f1/);
    expect(r.stdout).toMatch(/^macro avg\s+[\d.]+%\s+[\d.]+%\s+[\d.]+%$/m);
  });

  it('warns when asked for another split seed than the checkpoint was trained with', async () => {
    expect((await run(['eval', checkpoint])).stdout).not.toContain('note:');
    const r = await run(['eval', checkpoint, '--split-seed', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'note: the checkpoint was trained on split seed 0; split seed 1 mixes its training digits into every part',
    );
  });

  it('prints a confusion matrix whose rows count the validation split classes', async () => {
    const r = await run(['eval', checkpoint, '--split', 'val']);
    const rows = r.stdout
      .split('\n')
      .filter((l) => /^\d +\d/.test(l))
      .map((l) => l.trim().split(/\s+/).slice(1, 11).map(Number));
    expect(rows).toHaveLength(10);
    const { val } = mnistSplit(0);
    const counts = new Array<number>(10).fill(0);
    for (const y of val.labels.data) counts[y]! += 1;
    expect(rows.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(counts);
    const correct = rows.reduce((a, row, i) => a + row[i]!, 0);
    expect(percentAfter(r.stdout, 'accuracy:')).toBeCloseTo(correct / 10, 2);
  });
});

describe('chainrule predict', () => {
  const split = mnistSplit(0);
  const digit = (k: number): Float32Array =>
    Float32Array.from(split.test.images.data.subarray(k * IMAGE_SIZE, (k + 1) * IMAGE_SIZE));

  it('shows a test digit as ASCII art with its class probabilities', async () => {
    const r = await run(['predict', checkpoint, '3']);
    expect(r.code).toBe(0);
    const art = r.stdout.split('\n').filter((l) => l.startsWith('│'));
    expect(art).toHaveLength(28);
    for (const line of art) expect(line).toHaveLength(58);
    expect(r.stdout).toContain(`true label ${split.test.labels.data[3]}`);
    const p = probabilities(r.stdout);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    const predicted = Number(/prediction: (\d)/.exec(r.stdout)![1]);
    expect(p.indexOf(Math.max(...p))).toBe(predicted);
  });

  it('gives the same answer for the digit saved as an exact P2 PGM (maxval 1000)', async () => {
    const k = 3;
    const pixels = digit(k);
    const file = join(dir, 'digit.pgm');
    writeFileSync(
      file,
      `P2\n# test digit ${k}\n28 28\n1000\n${Array.from(pixels, (v) => Math.round(v * 1000)).join(' ')}\n`,
    );
    const [fromFile, fromIndex] = [
      await run(['predict', checkpoint, file]),
      await run(['predict', checkpoint, String(k)]),
    ];
    expect(fromFile.code).toBe(0);
    expect(probabilities(fromFile.stdout)).toEqual(probabilities(fromIndex.stdout));
  });

  it('reads an 8-bit PNG and inverts a dark digit on white (the answer changes at most by quantization)', async () => {
    const k = 5;
    const pixels = digit(k);
    const file = join(dir, 'digit.png');
    // dark ink on white paper, as someone would draw it
    writeFileSync(
      file,
      encodePng({
        width: 28,
        height: 28,
        colorType: 0,
        samples: Uint8Array.from(pixels, (v) => Math.round((1 - v) * 255)),
        filters: [4, 1, 2],
      }),
    );
    const r = await run(['predict', checkpoint, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('inverted');
    const [a, b] = [probabilities(r.stdout), probabilities((await run(['predict', checkpoint, String(k)])).stdout)];
    a.forEach((p, i) => {
      expect(Math.abs(p - b[i]!)).toBeLessThan(0.01);
    });
  });

  it.each([
    ['16-bit greyscale, interlaced', { colorType: 0, bitDepth: 16, interlace: 1 }],
    ['8-bit palette of 256 greys', { colorType: 3, bitDepth: 8 }],
    ['RGBA, interlaced', { colorType: 6, bitDepth: 8, interlace: 1 }],
  ])('reads the digit saved as a %s PNG, with the same answer as its index', async (_, kind) => {
    const k = 7;
    const levels = Array.from(digit(k), (v) => Math.round(v * 255)); // 8 bits, as in the PNG of the 8-bit test
    const samples =
      kind.colorType === 3
        ? levels
        : kind.colorType === 6
          ? levels.flatMap((v) => [v, v, v, 255])
          : levels.map((v) => v * 257); // 8 bits to 16: v / 255 = 257 v / 65535
    const palette = Array.from({ length: 256 }, (_, v) => [v, v, v]);
    const file = join(dir, `digit-${kind.colorType}-${kind.bitDepth}.png`);
    writeFileSync(file, encodePng({ width: 28, height: 28, samples, palette, filters: [1, 4], ...kind }));
    const [fromFile, fromIndex] = [
      await run(['predict', checkpoint, file]),
      await run(['predict', checkpoint, `${k}`]),
    ];
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).not.toContain('inverted');
    probabilities(fromFile.stdout).forEach((p, i) => {
      expect(Math.abs(p - probabilities(fromIndex.stdout)[i]!)).toBeLessThan(0.01); // at most quantization
    });
  });

  it('keeps a light digit on black as it is, and --invert yes flips it', async () => {
    const file = join(dir, 'white-on-black.pgm');
    writeFileSync(file, encodePgm({ width: 28, height: 28, pixels: digit(0) }));
    const asIs = await run(['predict', checkpoint, file]);
    const flipped = await run(['predict', checkpoint, file, '--invert', 'yes']);
    expect(asIs.stdout).not.toContain('inverted');
    const firstRow = (stdout: string): string | undefined => stdout.split('\n').find((l) => l.startsWith('│'));
    expect(firstRow(asIs.stdout)).toBe(`│${' '.repeat(56)}│`); // MNIST's black border
    expect(firstRow(flipped.stdout)).toBe(`│${'@'.repeat(56)}│`);
  });
});

describe('help', () => {
  it.each([[[]], [['--help']], [['help']]])('%j prints the commands', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(0);
    for (const c of ['train', 'eval', 'predict']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
  it.each([
    [
      'train',
      [
        '--hidden',
        '--activation',
        '--loss',
        '--optimizer',
        '--lr',
        '--batch-size',
        '--epochs',
        '--seed',
        '--l2',
        '--dropout',
        '--out-dir',
        '--checkpoint',
        '--report',
      ],
    ],
    ['eval', ['--split', '--split-seed']],
    ['predict', ['--split', '--invert']],
  ])('%s --help lists its flags', async (command, flags) => {
    for (const argv of [
      [command, '--help'],
      ['help', command],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: chainrule ${command}`));
      for (const f of flags) expect(r.stdout).toContain(`  ${f} `);
    }
  });
});
