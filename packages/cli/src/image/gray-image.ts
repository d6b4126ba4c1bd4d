/** A greyscale image: `width × height` levels in [0, 1] (0 black, 1 white), row-major. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** The size an image file declares in its header. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The most pixels a decoder allocates for by default: 4096 × 4096. A PNG at this size inflates to
 * at most 128 MiB (16-bit RGBA); the CLI itself decodes only 28 × 28 digits.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** Options of the PNG and PGM decoders. */
export interface DecodeOptions {
  /** Refuse an image whose header declares more pixels than this, before allocating (default `MAX_IMAGE_PIXELS`). */
  maxPixels?: number;
}

/** A file that is not a valid image of a supported kind; the message says what is wrong. */
export class ImageFormatError extends Error {
  override readonly name: string = 'ImageFormatError';
}

/** An image whose header declares more pixels than the decoder's limit; nothing was allocated for it. */
export class ImageTooLargeError extends ImageFormatError {
  override readonly name = 'ImageTooLargeError';
  constructor(
    readonly format: string,
    readonly width: number,
    readonly height: number,
    readonly limit: number,
  ) {
    super(
      `${format} declares ${width}x${height} = ${(width * height).toLocaleString('en-US')} pixels, ` +
        `over the limit of ${limit.toLocaleString('en-US')} pixels`,
    );
  }
}

/** Throws `ImageTooLargeError` when `width × height` is over `options.maxPixels`. */
export function checkDeclaredSize(format: string, width: number, height: number, options: DecodeOptions = {}): void {
  const limit = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (width * height > limit) throw new ImageTooLargeError(format, width, height, limit);
}
