// `chainrule train --data <dir>` (the standard MNIST IDX files, gzipped or not) and `--init nielsen`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { IDX_FILES, idxSplit, parseIdx } from '../src/idx.js';
import { Mlp } from '../src/model/mlp.js';
import { run, tempDir } from './helpers/capture.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** An IDX file of unsigned bytes: 0, 0, 0x08, ndims, big-endian dims, data. */
function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** n digits: image i is all (37·i mod 256), label i mod 10. */
function digits(n: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) images.fill((37 * i) % 256, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10) };
}

function writeDataset(folder: string, nTrain: number, nTest: number, gzip: boolean): void {
  mkdirSync(folder, { recursive: true });
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(folder, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  const train = digits(nTrain);
  const test = digits(nTest);
  put(IDX_FILES.trainImages, encodeIdx([nTrain, 28, 28], train.images));
  put(IDX_FILES.trainLabels, encodeIdx([nTrain], train.labels));
  put(IDX_FILES.testImages, encodeIdx([nTest, 28, 28], test.images));
  put(IDX_FILES.testLabels, encodeIdx([nTest], test.labels));
}

describe('IDX files', () => {
  it('parses plain and gzipped files alike', () => {
    const bytes = encodeIdx([2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]));
    for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
      const a = parseIdx(b, 'x');
      expect(a.dims).toEqual([2, 3]);
      expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('rejects bad headers and lengths with a CliError naming the file', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'f')).toThrow(/f: not an IDX file/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'f')).toThrow(/type 0xd/);
    expect(() => parseIdx(encodeIdx([3], Uint8Array.from([1, 2])), 'f')).toThrow(/need 3 bytes of data, found 2/);
    expect(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 1, 2]), 'f')).toThrow(CliError);
  });

  it('splits the training file 5:1 into train and validation and scales the pixels to [0, 1]', () => {
    for (const gzip of [false, true]) {
      const folder = join(dir, gzip ? 'split-gz' : 'split');
      writeDataset(folder, 24, 7, gzip);
      const s = idxSplit(folder);
      expect(s.train.images.shape).toEqual([20, 784]);
      expect(s.val.labels.shape).toEqual([4]);
      expect(s.test.images.shape).toEqual([7, 784]);
      expect(Array.from(s.val.labels.toArray() as number[])).toEqual([0, 1, 2, 3]);
      const row = (s.train.images.toArray() as number[][])[3]!;
      expect(row[0]).toBeCloseTo(111 / 255, 6);
      expect(row[783]).toBe(row[0]);
    }
  });

  it('says which file is missing or which labels do not fit', () => {
    const folder = join(dir, 'broken');
    writeDataset(folder, 12, 3, false);
    writeFileSync(join(folder, IDX_FILES.testLabels), encodeIdx([3], Uint8Array.from([1, 10, 2])));
    expect(() => idxSplit(folder)).toThrow(/t10k-labels-idx1-ubyte: label 10 at index 1, expected 0..9/);
    writeFileSync(join(folder, IDX_FILES.testLabels), encodeIdx([4], Uint8Array.from([1, 1, 2, 3])));
    expect(() => idxSplit(folder)).toThrow(/labels of shape \[4\], expected \[3\]/);
    expect(() => idxSplit(join(dir, 'nothing'))).toThrow(/no train-images-idx3-ubyte or train-images-idx3-ubyte.gz/);
  });
});

describe('chainrule train --data', () => {
  it('trains on the IDX files of a folder and reports their split', async () => {
    const folder = join(dir, 'mnist-gz');
    writeDataset(folder, 60, 20, true);
    const r = await run(['train', '--data', folder, '--epochs', '1', '--hidden', '8', '--out-dir', join(dir, 'runs')]);
    expect(r.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`data:     the IDX files in ${folder}`);
    expect(r.stdout).toContain('split:    50 train / 10 validation / 20 test');
    expect(r.stdout).toMatch(/test accuracy: .*\(\d+ of 20\)/);
  });

  it('refuses a --train-size larger than the training part, and a missing folder', async () => {
    const folder = join(dir, 'mnist-small');
    writeDataset(folder, 12, 3, false);
    const big = await run(['train', '--data', folder, '--train-size', '11']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('--train-size: must be at most 10, got 11');
    const none = await run(['train', '--data', join(dir, 'absent')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no train-images-idx3-ubyte');
  });
});

describe('--init nielsen', () => {
  const arch = {
    inputs: 784,
    hidden: [30],
    classes: 10,
    activation: 'sigmoid',
    output: 'sigmoid',
    dropout: 0,
  } as const;
  const values = (net: Mlp): number[] => net.parameters().flatMap((p) => (p.toArray() as number[] | number[][]).flat());

  it("draws every weight and bias from N(0, 1), as network.py; the default stays PyTorch's U(±1/√fan_in)", () => {
    const w = values(new Mlp({ ...arch, hidden: [...arch.hidden] }, 0, 'nielsen'));
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(3);
    const fc1 = new Mlp({ ...arch, hidden: [...arch.hidden] }, 0).layers[0]!;
    const d = (fc1.weight.toArray() as number[][]).flat();
    expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(784));
  });

  it('is named in the training settings', async () => {
    const r = await run([
      'train',
      '--init',
      'nielsen',
      '--epochs',
      '1',
      '--train-size',
      '100',
      '--out-dir',
      join(dir, 'nielsen'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Nielsen's N(0, 1) initial weights and biases");
    expect((await run(['train', '--init', 'xavier'])).code).toBe(2);
  });
});
