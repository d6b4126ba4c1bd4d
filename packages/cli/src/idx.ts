/**
 * The standard MNIST and Fashion-MNIST files, in LeCun's IDX format, gzipped or not: a folder
 * holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte`, each possibly with `.gz` (a gzipped file is recognised by its first
 * bytes, whatever its name). An IDX file is 0, 0, a type byte (0x08: unsigned bytes), the number
 * of dimensions, each dimension as a big-endian uint32, then the values row-major.
 *
 * @example
 * ```ts
 * const { train, val, test } = idxSplit('data/fashion-mnist'); // 50,000 / 10,000 / 10,000
 * train.images.shape; // [50000, 784], float32 in [0, 1]
 * ```
 */
import { fromTypedArray } from '@chainrule/tensor';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CliError, oneLine } from './errors.js';
import type { MnistData } from './mnist.js';

/** The four files' names, without `.gz`. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** An IDX array of unsigned bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes (gunzipping it first if it starts with gzip's magic).
 * @example
 * ```ts
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]), 'labels').dims; // [2]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  let b = bytes;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    try {
      b = new Uint8Array(gunzipSync(b));
    } catch (e) {
      throw new CliError(`${name}: not a valid gzip file (${oneLine(e)})`);
    }
  }
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0)
    throw new CliError(`${name}: not an IDX file (expected the bytes 0, 0, type, dimensions first)`);
  if (b[2] !== 0x08)
    throw new CliError(`${name}: IDX type 0x${b[2]!.toString(16)}, expected 0x08 (unsigned bytes, as MNIST's)`);
  const ndims = b[3]!;
  const header = 4 + 4 * ndims;
  if (ndims === 0 || b.length < header) throw new CliError(`${name}: truncated IDX header (${ndims} dimensions)`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, d) => a * d, 1);
  if (b.length - header !== count)
    throw new CliError(
      `${name}: dimensions [${dims.join(', ')}] need ${count} bytes of data, found ${b.length - header}`,
    );
  return { dims, data: b.subarray(header) };
}

function readIdx(dir: string, base: string): IdxArray {
  const candidates = [join(dir, base), join(dir, `${base}.gz`)];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined)
    throw new CliError(`--data '${dir}': no ${base} or ${base}.gz (expected the four MNIST IDX files there)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read '${path}': ${oneLine(e)}`);
  }
  return parseIdx(bytes, path);
}

function toData(images: IdxArray, labels: IdxArray, imagesName: string, labelsName: string): MnistData {
  const [n, h, w] = images.dims;
  if (images.dims.length !== 3 || h !== 28 || w !== 28)
    throw new CliError(`${imagesName}: images of shape [${images.dims.join(', ')}], expected [n, 28, 28]`);
  if (labels.dims.length !== 1 || labels.dims[0] !== n)
    throw new CliError(`${labelsName}: labels of shape [${labels.dims.join(', ')}], expected [${n}] like the images`);
  const bad = labels.data.findIndex((y) => y > 9);
  if (bad >= 0) throw new CliError(`${labelsName}: label ${labels.data[bad]} at index ${bad}, expected 0..9`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: fromTypedArray(pixels, [n!, 784]), labels: fromTypedArray(Int32Array.from(labels.data)) };
}

/** The training and test files of `dir` as images [n, 784] float32 in [0, 1] and int32 labels. */
export function loadIdxDir(dir: string): { train: MnistData; test: MnistData } {
  const f = IDX_FILES;
  const train = toData(readIdx(dir, f.trainImages), readIdx(dir, f.trainLabels), f.trainImages, f.trainLabels);
  const test = toData(readIdx(dir, f.testImages), readIdx(dir, f.testLabels), f.testImages, f.testLabels);
  return { train, test };
}

/**
 * The files of `dir` split as Nielsen splits MNIST: the last sixth of the training file (10,000
 * of 60,000) for validation, the rest for training, the t10k file for the test.
 */
export function idxSplit(dir: string): { train: MnistData; val: MnistData; test: MnistData } {
  const { train, test } = loadIdxDir(dir);
  const n = train.labels.shape[0]!;
  if (n < 2) throw new CliError(`--data '${dir}': ${n} training image(s), need at least 2 (train and validation)`);
  const cut = n - Math.max(1, Math.floor(n / 6));
  const part = (lo: number, hi: number): MnistData => ({
    images: train.images.slice(0, lo, hi),
    labels: train.labels.slice(0, lo, hi),
  });
  return { train: part(0, cut), val: part(cut, n), test };
}
