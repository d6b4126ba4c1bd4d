/**
 * PGM (netpbm greyscale) decoding: P2 (ASCII) and P5 (binary), `#` comments in the header, any
 * maxval up to 65535 (P5 stores 2 bytes per sample, big-endian, above 255).
 */
import {
  type DecodeOptions,
  type GrayImage,
  ImageFormatError,
  type ImageSize,
  checkDeclaredSize,
} from './gray-image.js';

/** True when `bytes` start like a PGM file (`P2` or `P5` and whitespace). */
export function isPgm(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x50 && (bytes[1] === 0x32 || bytes[1] === 0x35) && isSpace(bytes[2]!);
}

/** What a PGM header declares, and where the samples start. */
export interface PgmHeader extends ImageSize {
  maxval: number;
  /** P5 (binary samples) rather than P2 (decimal text). */
  binary: boolean;
  /** Offset of the first byte after maxval. */
  rasterStart: number;
}

/** Reads decimal header tokens (and P2 samples) from `at`, skipping whitespace and `#` comments. */
class TokenReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  /** The next number; `what` names it in the error. */
  next(what: string): number {
    const bytes = this.bytes;
    for (;;) {
      while (this.at < bytes.length && isSpace(bytes[this.at]!)) this.at++;
      if (bytes[this.at] !== 0x23 /* # */) break;
      while (this.at < bytes.length && bytes[this.at] !== 0x0a && bytes[this.at] !== 0x0d) this.at++;
    }
    const start = this.at;
    while (this.at < bytes.length && bytes[this.at]! >= 0x30 && bytes[this.at]! <= 0x39) this.at++;
    if (this.at === start) throw new ImageFormatError(`PGM header: expected the ${what} at byte ${start}`);
    let first = start; // leading zeros do not count
    while (first < this.at - 1 && bytes[first] === 0x30) first++;
    const digits = Buffer.from(bytes.subarray(first, Math.min(this.at, first + 24))).toString('latin1');
    if (this.at - first > 15)
      throw new ImageFormatError(`PGM: the ${what} ${digits}${this.at - first > 24 ? '…' : ''} is too large`);
    return Number(digits);
  }
}

/**
 * Reads and checks a PGM header (magic, width, height, maxval) without decoding the samples.
 * @throws ImageTooLargeError when the declared size is over `options.maxPixels`;
 * ImageFormatError for a bad magic or header.
 * @example readPgmHeader(new TextEncoder().encode('P5 28 28 255\n')); // { width: 28, height: 28, ... }
 */
export function readPgmHeader(bytes: Uint8Array, options: DecodeOptions = {}): PgmHeader {
  if (!isPgm(bytes)) throw new ImageFormatError('not a PGM file (expected magic P2 or P5)');
  const reader = new TokenReader(bytes, 2);
  const width = reader.next('width');
  const height = reader.next('height');
  if (width < 1 || height < 1) throw new ImageFormatError(`PGM has an empty size ${width}x${height}`);
  checkDeclaredSize('PGM', width, height, options);
  const maxval = reader.next('maxval');
  if (maxval < 1 || maxval > 65535) throw new ImageFormatError(`PGM maxval ${maxval} is outside 1..65535`);
  return { width, height, maxval, binary: bytes[1] === 0x35, rasterStart: reader.at };
}

/**
 * Decodes a PGM file's bytes; levels are scaled by maxval into [0, 1]. The declared size is
 * checked against `options.maxPixels` and against the bytes left in the file before the pixels
 * are allocated.
 * @throws ImageTooLargeError for a size over the limit; ImageFormatError naming anything else
 * that is wrong (bad magic, header, sample count or value).
 * @example
 * ```ts
 * decodePgm(new TextEncoder().encode('P2\n2 1\n255\n0 255\n')).pixels; // [0, 1]
 * ```
 */
export function decodePgm(bytes: Uint8Array, options: DecodeOptions = {}): GrayImage {
  const { width, height, maxval, binary, rasterStart } = readPgmHeader(bytes, options);
  const n = width * height;
  let at = rasterStart;
  if (binary) {
    if (at >= bytes.length || !isSpace(bytes[at]!))
      throw new ImageFormatError('PGM header: expected one whitespace byte after maxval');
    at++; // exactly one whitespace byte before the raster
    const size = maxval > 255 ? 2 : 1;
    if (bytes.length - at < n * size)
      throw new ImageFormatError(
        `PGM truncated: ${bytes.length - at} bytes of pixels, expected ${n * size} for ${width}x${height}`,
      );
    const pixels = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = size === 2 ? (bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]! : bytes[at + i]!;
      if (v > maxval) throw new ImageFormatError(`PGM pixel ${i} is ${v}, above maxval ${maxval}`);
      pixels[i] = v / maxval;
    }
    return { width, height, pixels };
  }
  // every text sample takes at least one byte: refuse a short file before allocating for it
  if (bytes.length - at < n)
    throw new ImageFormatError(
      `PGM truncated: ${bytes.length - at} bytes cannot hold the ${n} pixels of ${width}x${height}`,
    );
  const pixels = new Float32Array(n);
  const reader = new TokenReader(bytes, at);
  for (let i = 0; i < n; i++) {
    let v: number;
    try {
      v = reader.next(`pixel ${i} of ${n}`);
    } catch (e) {
      if (reader.at >= bytes.length)
        throw new ImageFormatError(`PGM truncated: ${i} pixels, expected ${n} for ${width}x${height}`);
      throw e;
    }
    if (v > maxval) throw new ImageFormatError(`PGM pixel ${i} is ${v}, above maxval ${maxval}`);
    pixels[i] = v / maxval;
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
