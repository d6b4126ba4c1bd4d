/**
 * PNG decoding with pngjs, behind checks of our own that bound the memory a file can make us use:
 * the header (IHDR) is read first and an image over the pixel limit is refused before anything
 * is allocated; every chunk's CRC is checked; and the image data is inflated with an output
 * limit of exactly the bytes the header's size needs, so a small file that inflates to gigabytes
 * (a "zip bomb") is refused after reading no more than that. Only then does pngjs decode it:
 * every colour type (greyscale, RGB, palette, grey+alpha, RGBA), every bit depth (1 to 16),
 * tRNS transparency and Adam7 interlacing. Colour becomes grey by the Rec. 601 luma
 * 0.299 R + 0.587 G + 0.114 B; transparency is composited over white, as viewers show it.
 *
 * Why these pieces stay ours: pngjs checks CRCs and sizes only while it decodes, and it inflates
 * interlaced image data without a limit, so the walk over the chunks (with crc32.ts) and the
 * bounded inflate must come first. pngjs rather than fast-png: fast-png 8.0.0 misreads interlaced
 * images with 1, 2 or 4 bits per sample (it takes each pixel of a pass for a whole byte, and
 * throws 'Unsupported filter' on them), and it inflates an iCCP chunk without a limit.
 */
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { oneLine } from '../errors.js';
import { crc32 } from './crc32.js';
import {
  type DecodeOptions,
  type GrayImage,
  ImageFormatError,
  type ImageSize,
  checkDeclaredSize,
} from './gray-image.js';

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const COLOR_NAMES: Readonly<Record<number, string>> = {
  0: 'greyscale',
  2: 'RGB',
  3: 'palette',
  4: 'grey+alpha',
  6: 'RGBA',
};
/** Channels per pixel of each colour type (a palette index is one channel). */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** The bit depths the PNG specification allows for each colour type. */
const BIT_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** The critical chunks a decoder must understand; any other critical chunk is refused. */
const CRITICAL_CHUNKS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
/** The seven Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** What the IHDR chunk declares. */
export interface PngHeader extends ImageSize {
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** The chunk type at `at`, printable: letters as they are, any other byte as \xNN (types are ASCII letters). */
function chunkType(bytes: Uint8Array, at: number): string {
  return Array.from(bytes.subarray(at + 4, at + 8), (b) =>
    (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
      ? String.fromCharCode(b)
      : `\\x${b.toString(16).padStart(2, '0')}`,
  ).join('');
}

/**
 * Reads and checks the header (the IHDR chunk, which must come first) without decoding anything.
 * @throws ImageTooLargeError when the declared size is over `options.maxPixels`;
 * ImageFormatError for a damaged header or a combination the PNG specification does not allow.
 * @example readPngHeader(readFileSync('digit.png')); // { width: 28, height: 28, bitDepth: 8, ... }
 */
export function readPngHeader(bytes: Uint8Array, options: DecodeOptions = {}): PngHeader {
  if (!isPng(bytes)) throw new ImageFormatError('not a PNG file (bad signature)');
  if (bytes.length < 33) throw new ImageFormatError(`PNG truncated: ${bytes.length} bytes, too short for a header`);
  const type = chunkType(bytes, 8);
  if (type !== 'IHDR') throw new ImageFormatError(`PNG damaged: the first chunk is '${type}', expected IHDR`);
  if (u32(bytes, 8) !== 13) throw new ImageFormatError(`PNG damaged: IHDR has ${u32(bytes, 8)} bytes, expected 13`);
  if (crc32(bytes, 12, 29) !== u32(bytes, 29)) throw new ImageFormatError('PNG damaged: CRC mismatch in chunk IHDR');
  const [width, height] = [u32(bytes, 16), u32(bytes, 20)];
  const [bitDepth, colorType, compression, filter, interlace] = bytes.subarray(24, 29);
  if (width === 0 || height === 0) throw new ImageFormatError(`PNG has an empty size ${width}x${height}`);
  checkDeclaredSize('PNG', width, height, options);
  const depths = BIT_DEPTHS[colorType!];
  if (depths === undefined) throw new ImageFormatError(`PNG damaged: unknown colour type ${colorType}`);
  if (!depths.includes(bitDepth!)) {
    throw new ImageFormatError(
      `PNG damaged: bit depth ${bitDepth} is not allowed for colour type ${colorType} (${COLOR_NAMES[colorType!]}; ` +
        `allowed: ${depths.join(', ')})`,
    );
  }
  if (compression !== 0) throw new ImageFormatError(`PNG damaged: unknown compression method ${compression}`);
  if (filter !== 0) throw new ImageFormatError(`PNG damaged: unknown filter method ${filter}`);
  if (interlace !== 0 && interlace !== 1)
    throw new ImageFormatError(`PNG damaged: unknown interlace method ${interlace}`);
  return { width, height, bitDepth: bitDepth!, colorType: colorType!, interlace };
}

/** Bytes of the inflated image data: every scanline with its filter byte, pass after pass when interlaced. */
export function rawDataSize(header: PngHeader): number {
  const bits = CHANNELS[header.colorType]! * header.bitDepth;
  const rows = (w: number, h: number): number => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (header.interlace === 0) return rows(header.width, header.height);
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((header.width - x0) / dx), Math.ceil((header.height - y0) / dy)),
    0,
  );
}

/**
 * Walks the chunks after IHDR up to IEND, checking each one's bounds and CRC.
 * @returns the IDAT data and the offset just past IEND (anything after it is ignored).
 */
function scanChunks(bytes: Uint8Array): { idat: Uint8Array[]; end: number } {
  const idat: Uint8Array[] = [];
  for (let at = 33; ; ) {
    if (at + 12 > bytes.length) {
      throw new ImageFormatError(
        at === bytes.length
          ? 'PNG truncated: no IEND chunk'
          : `PNG truncated: chunk header at byte ${at} runs past the end`,
      );
    }
    const type = chunkType(bytes, at);
    const dataEnd = at + 8 + u32(bytes, at);
    if (dataEnd + 4 > bytes.length)
      throw new ImageFormatError(`PNG truncated: chunk '${type}' at byte ${at} runs past the end`);
    if (crc32(bytes, at + 4, dataEnd) !== u32(bytes, dataEnd))
      throw new ImageFormatError(`PNG damaged: CRC mismatch in chunk '${type}' at byte ${at}`);
    if (type === 'IEND') return { idat, end: dataEnd + 4 };
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, dataEnd));
    else if (type === 'IHDR') throw new ImageFormatError(`PNG damaged: a second IHDR chunk at byte ${at}`);
    else if ((bytes[at + 4]! & 0x20) === 0 && !CRITICAL_CHUNKS.has(type))
      throw new ImageFormatError(`PNG uses critical chunk '${type}', which this decoder does not know`);
    at = dataEnd + 4;
  }
}

/** Inflates the image data with an output limit of exactly what the header needs; throws unless it is that size. */
function checkImageData(idat: readonly Uint8Array[], header: PngHeader): void {
  if (idat.length === 0) throw new ImageFormatError('PNG damaged: no IDAT chunk');
  const expected = rawDataSize(header);
  const what = `a ${header.width}x${header.height} ${header.bitDepth}-bit ${COLOR_NAMES[header.colorType]} image`;
  let length: number;
  try {
    length = inflateSync(Buffer.concat(idat), { maxOutputLength: expected }).length;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ImageFormatError(`PNG damaged: the image data inflates to more than the ${expected} bytes of ${what}`);
    throw new ImageFormatError(`PNG damaged: the image data does not inflate (${oneLine(e)})`);
  }
  if (length !== expected)
    throw new ImageFormatError(
      `PNG damaged: the image data inflates to ${length} bytes, expected ${expected} for ${what}`,
    );
}

/**
 * Decodes a PNG file's bytes to a greyscale image.
 * @throws ImageTooLargeError when the header declares more than `options.maxPixels` pixels;
 * ImageFormatError for anything else wrong with the file.
 * @example
 * ```ts
 * const { width, height, pixels } = decodePng(readFileSync('digit.png'));
 * ```
 */
export function decodePng(bytes: Uint8Array, options: DecodeOptions = {}): GrayImage {
  const header = readPngHeader(bytes, options);
  const { idat, end } = scanChunks(bytes);
  checkImageData(idat, header);
  let decoded: { width: number; height: number; data: ArrayLike<number> };
  try {
    // CRCs were checked above; skipRescale keeps 16-bit and low-bit samples as they are
    decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, end), { checkCRC: false, skipRescale: true });
  } catch (e) {
    throw new ImageFormatError(`PNG damaged: ${oneLine(e)}`);
  }
  const { width, height } = header;
  if (decoded.width !== width || decoded.height !== height || decoded.data.length !== 4 * width * height)
    throw new ImageFormatError('PNG damaged: the decoded image does not match its header');
  return { width, height, pixels: toGray(decoded.data, header) };
}

/** Grey levels from pngjs's RGBA samples (8-bit for palette images, else `bitDepth` bits). */
function toGray(rgba: ArrayLike<number>, header: PngHeader): Float32Array {
  const out = new Float32Array(header.width * header.height);
  const max = header.colorType === 3 ? 255 : 2 ** header.bitDepth - 1;
  const grey = header.colorType === 0 || header.colorType === 4;
  for (let i = 0; i < out.length; i++) {
    const [r, g, b, a] = [rgba[4 * i]! / max, rgba[4 * i + 1]! / max, rgba[4 * i + 2]! / max, rgba[4 * i + 3]! / max];
    const color = grey ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    out[i] = a * color + (1 - a); // over a white background
  }
  return out;
}
