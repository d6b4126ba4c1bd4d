import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/image/crc32.js';
import { ImageFormatError } from '../src/image/gray-image.js';
import { decodePng } from '../src/image/png.js';
import { CHANNELS, encodePng } from './helpers/png-encode.js';

/** Deterministic bytes (an LCG), so failures repeat. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** The grey level the PNG decoder promises: Rec. 601 luma, alpha over white. */
function expectedGrey(samples: Uint8Array, i: number, colorType: number): number {
  const ch = CHANNELS[colorType]!;
  const s = samples.subarray(i * ch, (i + 1) * ch);
  const color = ch >= 3 ? 0.299 * s[0]! + 0.587 * s[1]! + 0.114 * s[2]! : s[0]!;
  const alpha = ch === 2 ? s[1]! / 255 : ch === 4 ? s[3]! / 255 : 1;
  return (alpha * color) / 255 + 1 - alpha;
}

describe('crc32', () => {
  it('matches the CRC of the IEND chunk and zlib on random data', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    const data = bytes(1000, 9);
    expect(crc32(data)).toBe(zlibCrc32(data) >>> 0);
    expect(crc32(data, 100, 300)).toBe(zlibCrc32(data.subarray(100, 300)) >>> 0);
  });
});

describe('decodePng', () => {
  it.each([0, 1, 2, 3, 4])('undoes filter type %i exactly (8-bit greyscale)', (filter) => {
    const samples = bytes(28 * 28, 100 + filter);
    const img = decodePng(encodePng({ width: 28, height: 28, colorType: 0, samples, filters: [filter] }));
    expect([img.width, img.height]).toEqual([28, 28]);
    expect(Array.from(img.pixels, (v) => Math.round(v * 255))).toEqual(Array.from(samples));
  });

  it.each([
    [0, 'greyscale'],
    [2, 'RGB'],
    [4, 'grey+alpha'],
    [6, 'RGBA'],
  ])('decodes colour type %i (%s) with all five filters mixed', (colorType) => {
    const [w, h] = [7, 10];
    const samples = bytes(w * h * CHANNELS[colorType]!, colorType + 1);
    const img = decodePng(encodePng({ width: w, height: h, colorType, samples, filters: [0, 1, 2, 3, 4] }));
    expect([img.width, img.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) expect(img.pixels[i]).toBeCloseTo(expectedGrey(samples, i, colorType), 6);
  });

  it('turns colour into luma and composites transparency over white', () => {
    // red, green, blue, opaque black, fully transparent black
    const samples = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
    const img = decodePng(encodePng({ width: 5, height: 1, colorType: 6, samples }));
    expect(Array.from(img.pixels)).toEqual([0.299, 0.587, 0.114, 0, 1].map(Math.fround));
  });

  it.each([
    [
      'a bad signature',
      (b: Buffer) => {
        b[1] = 0;
      },
      /not a PNG file/,
    ],
    [
      'a flipped data byte',
      (b: Buffer) => {
        b[b.length - 20]! ^= 0xff;
      },
      /CRC mismatch in chunk IDAT/,
    ],
  ])('refuses %s', (_, damage, message) => {
    const file = encodePng({ width: 4, height: 4, colorType: 0, samples: bytes(16, 1) });
    damage(file);
    expect(() => decodePng(file)).toThrow(ImageFormatError);
    expect(() => decodePng(file)).toThrow(message);
  });

  it('refuses a truncated file', () => {
    const file = encodePng({ width: 4, height: 4, colorType: 0, samples: bytes(16, 1) });
    expect(() => decodePng(file.subarray(0, file.length - 5))).toThrow(/truncated/);
    expect(() => decodePng(file.subarray(0, file.length - 12))).toThrow(/no IEND/);
  });

  it.each([
    [{ colorType: 3 }, /colour type 3 \(palette\) is not supported/],
    [{ colorType: 0, bitDepth: 16 }, /bit depth 16 is not supported/],
    [{ colorType: 0, interlace: 1 }, /interlaced PNG is not supported/],
  ])('refuses unsupported kinds %j', (spec, message) => {
    const file = encodePng({ width: 2, height: 2, samples: bytes(4, 3), ...spec });
    expect(() => decodePng(file)).toThrow(message);
  });
});
