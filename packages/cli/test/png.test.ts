import { deflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/image/crc32.js';
import { ImageFormatError, ImageTooLargeError, MAX_IMAGE_PIXELS } from '../src/image/gray-image.js';
import { decodePng, readPngHeader } from '../src/image/png.js';
import { zlibBomb } from './helpers/bomb.js';
import { CHANNELS, type PngSpec, SIGNATURE, chunk, encodePng, ihdr, rawImageData } from './helpers/png-encode.js';

/** Deterministic bytes (an LCG), so failures repeat. */
function bytes(n: number, seed: number, below = 256): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) % below;
  }
  return out;
}

/** Samples below 2^depth (any depth up to 16). */
function samples(n: number, seed: number, depth: number): number[] {
  const [hi, lo] = [bytes(n, seed), bytes(n, seed + 7919)];
  return Array.from(hi, (h, i) => ((h << 8) | lo[i]!) % 2 ** depth);
}

/**
 * The grey level the decoder promises, from the spec alone: levels scaled by 2^depth − 1 (a
 * palette's by 255), Rec. 601 luma for colour, alpha (or a tRNS match) composited over white.
 */
function expectedGrey(spec: PngSpec, i: number): number {
  const depth = spec.bitDepth ?? 8;
  const ch = CHANNELS[spec.colorType]!;
  const max = 2 ** depth - 1;
  const s = Array.from({ length: ch }, (_, c) => spec.samples[i * ch + c]!);
  let rgb: number[];
  let alpha: number;
  if (spec.colorType === 3) {
    rgb = spec.palette![s[0]!]!.map((v) => v / 255);
    alpha = (spec.transparency?.[s[0]!] ?? 255) / 255;
  } else {
    rgb = spec.colorType === 2 || spec.colorType === 6 ? s.slice(0, 3).map((v) => v / max) : [s[0]! / max];
    alpha = spec.colorType === 4 ? s[1]! / max : spec.colorType === 6 ? s[3]! / max : 1;
    const key = spec.transparency;
    if (key?.every((k, c) => k === s[c])) alpha = 0;
  }
  const color = rgb.length === 1 ? rgb[0]! : 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
  return alpha * color + 1 - alpha;
}

function expectDecodes(spec: PngSpec): void {
  const img = decodePng(encodePng(spec));
  expect([img.width, img.height]).toEqual([spec.width, spec.height]);
  for (let i = 0; i < spec.width * spec.height; i++) expect(img.pixels[i]).toBeCloseTo(expectedGrey(spec, i), 6);
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
    const s = bytes(28 * 28, 100 + filter);
    const img = decodePng(encodePng({ width: 28, height: 28, colorType: 0, samples: s, filters: [filter] }));
    expect([img.width, img.height]).toEqual([28, 28]);
    expect(Array.from(img.pixels, (v) => Math.round(v * 255))).toEqual(Array.from(s));
  });

  // every colour type at every bit depth the specification allows, interlaced or not
  const KINDS: [number, number][] = [
    ...[1, 2, 4, 8, 16].map((d): [number, number] => [0, d]),
    [2, 8],
    [2, 16],
    ...[1, 2, 4, 8].map((d): [number, number] => [3, d]),
    [4, 8],
    [4, 16],
    [6, 8],
    [6, 16],
  ];
  const CASES = KINDS.flatMap(([colorType, bitDepth]) =>
    [0, 1].flatMap((interlace) =>
      [[13, 11] as const, [1, 1] as const, [3, 9] as const].map(([w, h]) => ({
        name: `colour type ${colorType} at ${bitDepth} bits, ${interlace ? 'interlaced' : 'not interlaced'}, ${w}x${h}`,
        colorType,
        bitDepth,
        interlace,
        w,
        h,
      })),
    ),
  );
  it.each(CASES)('decodes $name', (c) => {
    const n = c.w * c.h;
    const seed = c.colorType * 1000 + c.bitDepth * 10 + c.interlace;
    const spec: PngSpec = {
      width: c.w,
      height: c.h,
      colorType: c.colorType,
      bitDepth: c.bitDepth,
      interlace: c.interlace,
      samples: samples(n * CHANNELS[c.colorType]!, seed, c.bitDepth),
      filters: [0, 1, 2, 3, 4],
    };
    if (c.colorType === 3) {
      const entries = 2 ** c.bitDepth;
      const p = bytes(3 * entries, seed + 1);
      spec.palette = Array.from({ length: entries }, (_, k) => Array.from(p.subarray(3 * k, 3 * k + 3)));
      spec.transparency = Array.from(bytes(Math.ceil(entries / 2), seed + 2)); // only the first half
    } else if (c.colorType === 0 || c.colorType === 2) {
      spec.transparency = Array.from(spec.samples).slice(0, CHANNELS[c.colorType]!); // pixel 0's colour
    }
    expectDecodes(spec);
  });

  it('keeps 16-bit precision', () => {
    const img = decodePng(encodePng({ width: 3, height: 1, colorType: 0, bitDepth: 16, samples: [0, 1, 32768] }));
    expect(Array.from(img.pixels)).toEqual([0, 1 / 65535, 32768 / 65535].map(Math.fround));
  });

  it('turns colour into luma and composites transparency over white', () => {
    // red, green, blue, opaque black, fully transparent black
    const s = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
    const img = decodePng(encodePng({ width: 5, height: 1, colorType: 6, samples: s }));
    expect(Array.from(img.pixels)).toEqual([0.299, 0.587, 0.114, 0, 1].map(Math.fround));
  });

  it('ignores ancillary chunks it does not use, even a compressed one that would inflate to 64 MiB', async () => {
    const iccp = chunk('iCCP', Buffer.concat([Buffer.from('bomb\0\0'), await zlibBomb(64 << 20)]));
    const img = decodePng(encodePng({ width: 2, height: 1, colorType: 0, samples: [0, 255], extraChunks: [iccp] }));
    expect(Array.from(img.pixels)).toEqual([0, 1]);
  });

  it('ignores bytes after IEND', () => {
    const file = Buffer.concat([encodePng({ width: 1, height: 1, colorType: 0, samples: [255] }), Buffer.from('junk')]);
    expect(Array.from(decodePng(file).pixels)).toEqual([1]);
  });
});

describe('decodePng refuses', () => {
  const small = (spec: Partial<PngSpec> = {}): Buffer =>
    encodePng({ width: 4, height: 4, colorType: 0, samples: bytes(16, 1), ...spec });
  const withIhdr = (data: Buffer, rest: Buffer[] = []): Buffer =>
    Buffer.concat([SIGNATURE, chunk('IHDR', data), ...rest, chunk('IEND', new Uint8Array(0))]);

  it.each([
    ['a bad signature', (b: Buffer) => b.fill(0, 1, 2), /not a PNG file/],
    [
      'a flipped data byte',
      (b: Buffer) => b.fill(b[b.length - 20]! ^ 0xff, b.length - 20, b.length - 19),
      /CRC mismatch in chunk 'IDAT'/,
    ],
    ['a flipped header byte', (b: Buffer) => b.fill(7, 17, 18), /CRC mismatch in chunk IHDR/],
  ])('%s', (_, damage, message) => {
    const file = small();
    damage(file);
    expect(() => decodePng(file)).toThrow(ImageFormatError);
    expect(() => decodePng(file)).toThrow(message);
  });

  it('a truncated file', () => {
    const file = small();
    expect(() => decodePng(file.subarray(0, file.length - 5))).toThrow(/truncated: chunk header/);
    expect(() => decodePng(file.subarray(0, file.length - 12))).toThrow(/no IEND/);
    expect(() => decodePng(file.subarray(0, 50))).toThrow(/truncated: chunk 'IDAT' at byte 33 runs past the end/);
    expect(() => decodePng(file.subarray(0, 20))).toThrow(/too short for a header/);
  });

  it.each([
    [{ colorType: 2, bitDepth: 4 }, /bit depth 4 is not allowed for colour type 2 \(RGB; allowed: 8, 16\)/],
    [{ colorType: 3, bitDepth: 16 }, /bit depth 16 is not allowed for colour type 3/],
    [{ colorType: 5 }, /unknown colour type 5/],
    [{ interlace: 2 }, /unknown interlace method 2/],
    [{ colorType: 3, bitDepth: 8 }, /PNG damaged: Expected palette not found/],
    [{ colorType: 3, bitDepth: 8, palette: [[0, 0, 0]] }, /PNG damaged: index \d+ not in palette/],
    [{ width: 0 }, /empty size 0x4/],
  ])('a header or palette the specification does not allow: %j', (spec, message) => {
    expect(() => decodePng(small(spec))).toThrow(message);
  });

  it('a first chunk that is not IHDR, a second IHDR and an unknown critical chunk', () => {
    const file = small();
    const gama = chunk('gAMA', Buffer.from([0, 1, 0x86, 0xa0]));
    expect(() => decodePng(Buffer.concat([SIGNATURE, gama, file.subarray(8)]))).toThrow(
      /the first chunk is 'gAMA', expected IHDR/,
    );
    const second = chunk('IHDR', ihdr(4, 4, 8, 0));
    expect(() => decodePng(Buffer.concat([file.subarray(0, 33), second, file.subarray(33)]))).toThrow(
      /a second IHDR chunk at byte 33/,
    );
    const vExt = chunk('VEXT', Buffer.from('x'));
    expect(() => decodePng(Buffer.concat([file.subarray(0, 33), vExt, file.subarray(33)]))).toThrow(
      /critical chunk 'VEXT'/,
    );
  });

  it('a size over the limit from the header alone, before reading further', () => {
    const file = withIhdr(ihdr(100_000, 100_000, 8, 0)); // no image data at all
    expect(() => decodePng(file)).toThrow(ImageTooLargeError);
    expect(() => decodePng(file)).toThrow(
      'PNG declares 100000x100000 = 10,000,000,000 pixels, over the limit of 16,777,216 pixels',
    );
    expect(readPngHeader(small())).toMatchObject({ width: 4, height: 4 });
    expect(() => readPngHeader(small(), { maxPixels: 15 })).toThrow(/4x4 = 16 pixels, over the limit of 15/);
    expect(MAX_IMAGE_PIXELS).toBe(4096 * 4096);
  });

  it('image data that inflates to more than the size needs (1 MiB to 1 GiB), with bounded memory', async () => {
    const bomb = await zlibBomb(1 << 30);
    expect(bomb.length).toBeLessThan(1.1 * 2 ** 20);
    const file = withIhdr(ihdr(28, 28, 8, 0), [chunk('IDAT', bomb)]);
    const peak = process.resourceUsage().maxRSS; // kilobytes
    const started = performance.now();
    expect(() => decodePng(file)).toThrow(/inflates to more than the 812 bytes of a 28x28 8-bit greyscale image/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.resourceUsage().maxRSS - peak).toBeLessThan(100_000); // under 100 MB more, not 1 GiB
  });

  it('image data that inflates to less than the size needs, or not at all', () => {
    const spec: PngSpec = { width: 4, height: 4, colorType: 0, samples: bytes(16, 1) };
    const raw = rawImageData(spec);
    expect(() => decodePng(encodePng({ ...spec, idat: deflateSync(raw.subarray(0, 15)) }))).toThrow(
      /inflates to 15 bytes, expected 20 for a 4x4 8-bit greyscale image/,
    );
    expect(() => decodePng(encodePng({ ...spec, idat: Buffer.from([0x78, 0x9c, 1, 2, 3, 4]) }))).toThrow(
      /image data does not inflate/,
    );
    expect(() => decodePng(encodePng({ ...spec, idat: deflateSync(raw).subarray(0, 10) }))).toThrow(
      /image data does not inflate \(unexpected end of file\)/,
    );
    expect(() => decodePng(withIhdr(ihdr(4, 4, 8, 0)))).toThrow(/no IDAT chunk/);
  });

  it('an unknown filter type on a row, as an ImageFormatError', () => {
    const raw = rawImageData({ width: 2, height: 2, colorType: 0, samples: [1, 2, 3, 4] });
    raw[3] = 9; // the second row's filter byte
    const file = encodePng({ width: 2, height: 2, colorType: 0, samples: [], idat: deflateSync(raw) });
    expect(() => decodePng(file)).toThrow(ImageFormatError);
    expect(() => decodePng(file)).toThrow(/PNG damaged: .*filter/i);
  });
});
