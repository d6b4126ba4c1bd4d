/** A greyscale image: `width × height` levels in [0, 1] (0 black, 1 white), row-major. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** A file that is not a valid image of a supported kind; the message says what is wrong. */
export class ImageFormatError extends Error {
  override readonly name = 'ImageFormatError';
}
