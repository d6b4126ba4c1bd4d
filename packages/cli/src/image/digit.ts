import { CliError } from '../errors.js';
import { readUserFile } from '../io.js';
import { type DecodeOptions, type GrayImage, ImageFormatError, type ImageSize } from './gray-image.js';
import { decodePgm, isPgm, readPgmHeader } from './pgm.js';
import { decodePng, isPng, readPngHeader } from './png.js';

/** The largest image file `readDigitFile` reads (a 28x28 digit takes a few kilobytes). */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;

/** Side of an MNIST digit. */
export const DIGIT_SIDE = 28;

/** `auto`: invert when the border is mostly bright (a dark digit on white paper). */
export const INVERT_MODES = ['auto', 'yes', 'no'] as const;
export type InvertMode = (typeof INVERT_MODES)[number];

/**
 * The size a PNG or PGM file declares in its header, read without decoding the pixels.
 * @throws ImageTooLargeError over `options.maxPixels`; ImageFormatError for anything else or a damaged header.
 */
export function imageSize(bytes: Uint8Array, options: DecodeOptions = {}): ImageSize {
  if (isPng(bytes)) return readPngHeader(bytes, options);
  if (isPgm(bytes)) return readPgmHeader(bytes, options);
  throw new ImageFormatError('not a PNG or PGM (P2/P5) file');
}

/**
 * Decodes a PNG or PGM file (recognized by its first bytes, whatever the extension).
 * @throws ImageTooLargeError when its header declares more than `options.maxPixels` pixels;
 * ImageFormatError for anything else or a damaged file.
 */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): GrayImage {
  if (isPng(bytes)) return decodePng(bytes, options);
  if (isPgm(bytes)) return decodePgm(bytes, options);
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
 * @throws CliError for a missing, unreadable, unsupported, damaged or wrongly sized file (the size
 * is read from the header before anything is decoded).
 * @example
 * ```ts
 * const { pixels } = readDigitFile('seven.png'); // Float32Array(784)
 * ```
 */
export function readDigitFile(path: string, invert: InvertMode = 'auto'): DigitInput {
  const bytes = readUserFile(path, 'image', MAX_IMAGE_FILE_BYTES);
  let image: GrayImage;
  try {
    // the declared size first: nothing is inflated or allocated for an image of the wrong size
    const { width, height } = imageSize(bytes);
    if (width !== DIGIT_SIDE || height !== DIGIT_SIDE) {
      throw new CliError(
        `image '${path}' is ${width}x${height}, expected ${DIGIT_SIDE}x${DIGIT_SIDE} (scale it down first)`,
      );
    }
    image = decodeImage(bytes);
  } catch (e) {
    if (e instanceof ImageFormatError) throw new CliError(`image '${path}': ${e.message}`);
    throw e;
  }
  const inverted = invert === 'yes' || (invert === 'auto' && borderMean(image) > 0.5);
  const pixels = inverted ? image.pixels.map((v) => 1 - v) : image.pixels;
  return { pixels, inverted };
}
