/**
 * PGM (netpbm greyscale) decoding: P2 (ASCII) and P5 (binary), `#` comments in the header, any
 * maxval up to 65535 (P5 stores 2 bytes per sample, big-endian, above 255).
 */
import { type GrayImage, ImageFormatError } from './gray-image.js';

/** True when `bytes` start like a PGM file (`P2` or `P5` and whitespace). */
export function isPgm(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x50 && (bytes[1] === 0x32 || bytes[1] === 0x35) && isSpace(bytes[2]!);
}

/**
 * Decodes a PGM file's bytes; levels are scaled by maxval into [0, 1].
 * @throws ImageFormatError naming what is wrong (bad magic, header, sample count or value).
 * @example
 * ```ts
 * decodePgm(new TextEncoder().encode('P2\n2 1\n255\n0 255\n')).pixels; // [0, 1]
 * ```
 */
export function decodePgm(bytes: Uint8Array): GrayImage {
  if (!isPgm(bytes)) throw new ImageFormatError('not a PGM file (expected magic P2 or P5)');
  const binary = bytes[1] === 0x35;
  let at = 2;
  /** The next header token, skipping whitespace and comments. */
  const token = (what: string): number => {
    for (;;) {
      while (at < bytes.length && isSpace(bytes[at]!)) at++;
      if (bytes[at] !== 0x23 /* # */) break;
      while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
    }
    const start = at;
    while (at < bytes.length && bytes[at]! >= 0x30 && bytes[at]! <= 0x39) at++;
    if (at === start) throw new ImageFormatError(`PGM header: expected the ${what} at byte ${start}`);
    return Number(Buffer.from(bytes.subarray(start, at)).toString('latin1'));
  };
  const width = token('width');
  const height = token('height');
  const maxval = token('maxval');
  if (width < 1 || height < 1) throw new ImageFormatError(`PGM has an empty size ${width}x${height}`);
  if (maxval < 1 || maxval > 65535) throw new ImageFormatError(`PGM maxval ${maxval} is outside 1..65535`);
  const n = width * height;
  const pixels = new Float32Array(n);
  if (binary) {
    if (at >= bytes.length || !isSpace(bytes[at]!))
      throw new ImageFormatError('PGM header: expected one whitespace byte after maxval');
    at++; // exactly one whitespace byte before the raster
    const size = maxval > 255 ? 2 : 1;
    if (bytes.length - at < n * size)
      throw new ImageFormatError(
        `PGM truncated: ${bytes.length - at} bytes of pixels, expected ${n * size} for ${width}x${height}`,
      );
    for (let i = 0; i < n; i++) {
      const v = size === 2 ? (bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]! : bytes[at + i]!;
      if (v > maxval) throw new ImageFormatError(`PGM pixel ${i} is ${v}, above maxval ${maxval}`);
      pixels[i] = v / maxval;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let v: number;
      try {
        v = token(`pixel ${i} of ${n}`);
      } catch (e) {
        if (at >= bytes.length)
          throw new ImageFormatError(`PGM truncated: ${i} pixels, expected ${n} for ${width}x${height}`);
        throw e;
      }
      if (v > maxval) throw new ImageFormatError(`PGM pixel ${i} is ${v}, above maxval ${maxval}`);
      pixels[i] = v / maxval;
    }
  }
  return { width, height, pixels };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

/**
 * Encodes levels in [0, 1] as a binary P5 PGM (8-bit), e.g. to save a digit for `predict`.
 * @example writeFileSync('digit.pgm', encodePgm({ width: 28, height: 28, pixels }));
 */
export function encodePgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.width} ${image.height}\n255\n`);
  const out = new Uint8Array(header.length + image.pixels.length);
  out.set(header);
  image.pixels.forEach((v, i) => {
    out[header.length + i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  });
  return out;
}
