import { readFileSync } from 'node:fs';
import { CliError } from '../errors.js';
import { type GrayImage, ImageFormatError } from './gray-image.js';
import { decodePgm, isPgm } from './pgm.js';
import { decodePng, isPng } from './png.js';

/** Side of an MNIST digit. */
export const DIGIT_SIDE = 28;

/** `auto`: invert when the border is mostly bright (a dark digit on white paper). */
export const INVERT_MODES = ['auto', 'yes', 'no'] as const;
export type InvertMode = (typeof INVERT_MODES)[number];

/**
 * Decodes a PNG or PGM file (recognized by its first bytes, whatever the extension).
 * @throws ImageFormatError for anything else or a damaged file.
 */
export function decodeImage(bytes: Uint8Array): GrayImage {
  if (isPng(bytes)) return decodePng(bytes);
  if (isPgm(bytes)) return decodePgm(bytes);
  throw new ImageFormatError('not a PNG or PGM (P2/P5) file');
}

/** Mean level of the outermost ring of pixels. */
export function borderMean(image: GrayImage): number {
  const { width: w, height: h, pixels } = image;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y === 0 || y === h - 1 || x === 0 || x === w - 1) {
        sum += pixels[y * w + x]!;
        count++;
      }
    }
  }
  return sum / count;
}

/** A digit read from a file, as the network sees it. */
export interface DigitInput {
  /** 784 levels in [0, 1], white digit on black like MNIST. */
  pixels: Float32Array;
  inverted: boolean;
}

/**
 * Reads a 28x28 PNG or PGM digit. MNIST digits are white on black; with `auto`, an image whose
 * border is mostly bright (a dark digit on white) is inverted.
 * @throws CliError for a missing, unreadable, unsupported or wrongly sized file.
 * @example
 * ```ts
 * const { pixels } = readDigitFile('seven.png'); // Float32Array(784)
 * ```
 */
export function readDigitFile(path: string, invert: InvertMode = 'auto'): DigitInput {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `image '${path}' does not exist` : `cannot read image '${path}': ${(e as Error).message}`,
    );
  }
  let image: GrayImage;
  try {
    image = decodeImage(bytes);
  } catch (e) {
    if (e instanceof ImageFormatError) throw new CliError(`image '${path}': ${e.message}`);
    throw e;
  }
  if (image.width !== DIGIT_SIDE || image.height !== DIGIT_SIDE) {
    throw new CliError(
      `image '${path}' is ${image.width}x${image.height}, expected ${DIGIT_SIDE}x${DIGIT_SIDE} (scale it down first)`,
    );
  }
  const inverted = invert === 'yes' || (invert === 'auto' && borderMean(image) > 0.5);
  const pixels = inverted ? image.pixels.map((v) => 1 - v) : image.pixels;
  return { pixels, inverted };
}
