import { describe, expect, it } from 'vitest';
import { ImageFormatError, ImageTooLargeError } from '../src/image/gray-image.js';
import { decodePgm, encodePgm, readPgmHeader } from '../src/image/pgm.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('decodePgm', () => {
  it('reads P2 with comments anywhere in the header and any whitespace', () => {
    const img = decodePgm(text('P2\n# a comment\n3 # width\n2\n# maxval next\n4\n0 1 2\n\t3 4\r\n0\n'));
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(Array.from(img.pixels)).toEqual([0, 0.25, 0.5, 0.75, 1, 0].map(Math.fround));
  });

  it('reads P5 with one byte per sample, including a raster that starts with whitespace bytes', () => {
    const header = text('P5 2 2 255\n');
    const file = new Uint8Array([...header, 10, 32, 0, 255]);
    expect(Array.from(decodePgm(file).pixels)).toEqual([10 / 255, 32 / 255, 0, 1].map(Math.fround));
  });

  it('reads P5 with two big-endian bytes per sample above maxval 255', () => {
    const file = new Uint8Array([...text('P5\n2 1\n1000\n'), 0x03, 0xe8, 0x01, 0xf4]);
    expect(Array.from(decodePgm(file).pixels)).toEqual([1, 0.5]);
  });

  it('round-trips encodePgm at 8 bits', () => {
    const pixels = Float32Array.from({ length: 12 }, (_, i) => i / 11);
    const img = decodePgm(encodePgm({ width: 4, height: 3, pixels }));
    expect([img.width, img.height]).toEqual([4, 3]);
    img.pixels.forEach((v, i) => {
      expect(Math.abs(v - pixels[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
    });
  });

  it.each([
    ['P3\n1 1\n255\n0 0 0\n', /expected magic P2 or P5/],
    ['P2\n2 x\n255\n', /expected the height/],
    ['P2\n2 1\n255\n0\n', /truncated: 1 pixels, expected 2/],
    ['P2\n1 1\n9\n10\n', /pixel 0 is 10, above maxval 9/],
    ['P2\n0 1\n9\n', /empty size/],
    ['P2\n1 1\n70000\n0\n', /maxval 70000 is outside/],
    ['P5\n2 2\n255\n\x01\x02', /truncated: 2 bytes of pixels, expected 4/],
  ])('refuses %j', (file, message) => {
    expect(() => decodePgm(text(file))).toThrow(message);
  });

  it('refuses a 21-byte file declaring 100000x100000 before allocating, with a typed error', () => {
    const file = text('P5\n100000 100000\n255\n');
    expect(file.length).toBe(21);
    expect(() => decodePgm(file)).toThrow(ImageTooLargeError);
    expect(() => decodePgm(file)).toThrow(
      'PGM declares 100000x100000 = 10,000,000,000 pixels, over the limit of 16,777,216 pixels',
    );
    expect(() => decodePgm(text('P2 5 5 255\n'), { maxPixels: 24 })).toThrow(/5x5 = 25 pixels, over the limit of 24/);
  });

  it.each([
    ['P5 99999999999999999999 1 255\n', /the width 99999999999999999999 is too large/],
    [`P2 1 ${'9'.repeat(100_000)} 255\n`, /the height 9{24}… is too large/],
    ['P2 4096 4096 255\n0 0 0\n', /truncated: 7 bytes cannot hold the 16777216 pixels of 4096x4096/],
    ['P5 4096 4096 255\n\0\0', /truncated: 2 bytes of pixels, expected 16777216/],
  ])('refuses a size the file cannot hold without allocating for it: %j', (file, message) => {
    expect(() => decodePgm(text(file))).toThrow(ImageFormatError);
    expect(() => decodePgm(text(file))).toThrow(message);
  });

  it('reads leading zeros as the number they spell, and the header without the samples', () => {
    expect(decodePgm(text('P2 0000000000000000000002 1 000255 0 255')).width).toBe(2);
    expect(readPgmHeader(text('P5 # size\n28 28 255\n'))).toMatchObject({ width: 28, height: 28, maxval: 255 });
  });
});
