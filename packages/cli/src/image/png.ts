/**
 * A small PNG decoder for what a digit image usually is: 8-bit greyscale, grey + alpha, RGB or
 * RGBA, not interlaced. Chunks are CRC-checked; the IDAT stream is inflated with node:zlib; the
 * five scanline filters (None, Sub, Up, Average, Paeth) are undone. Colour becomes grey by the
 * Rec. 601 luma 0.299 R + 0.587 G + 0.114 B; transparency is composited over white, as viewers
 * show it.
 */
import { inflateSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { type GrayImage, ImageFormatError } from './gray-image.js';

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Channels per pixel of each supported colour type. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };
const COLOR_NAMES: Readonly<Record<number, string>> = {
  0: 'greyscale',
  2: 'RGB',
  3: 'palette',
  4: 'grey+alpha',
  6: 'RGBA',
};

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Decodes a PNG file's bytes to a greyscale image.
 * @throws ImageFormatError for a damaged file or an unsupported kind (palette, 16-bit, interlaced).
 * @example
 * ```ts
 * const { width, height, pixels } = decodePng(readFileSync('digit.png'));
 * ```
 */
export function decodePng(bytes: Uint8Array): GrayImage {
  if (!isPng(bytes)) throw new ImageFormatError('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlace: number } | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (at < bytes.length) {
    if (at + 12 > bytes.length)
      throw new ImageFormatError(`PNG truncated: chunk header at byte ${at} runs past the end`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const dataStart = at + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length)
      throw new ImageFormatError(`PNG truncated: chunk ${type} at byte ${at} runs past the end`);
    if (crc32(bytes, at + 4, dataEnd) !== view.getUint32(dataEnd))
      throw new ImageFormatError(`PNG damaged: CRC mismatch in chunk ${type} at byte ${at}`);
    const data = bytes.subarray(dataStart, dataEnd);
    if (type === 'IHDR') {
      if (length !== 13) throw new ImageFormatError(`PNG damaged: IHDR has ${length} bytes, expected 13`);
      const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
      header = {
        width: d.getUint32(0),
        height: d.getUint32(4),
        bitDepth: data[8]!,
        colorType: data[9]!,
        interlace: data[12]!,
      };
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      ended = true;
      break;
    } else if (type === 'PLTE' && header?.colorType === 3) {
      // palette images are refused below with a clear message
    } else if ((type.charCodeAt(0) & 0x20) === 0) {
      throw new ImageFormatError(`PNG uses critical chunk ${type}, which this decoder does not know`);
    }
    at = dataEnd + 4;
  }
  if (header === undefined) throw new ImageFormatError('PNG damaged: no IHDR chunk');
  if (!ended) throw new ImageFormatError('PNG truncated: no IEND chunk');
  const { width, height, bitDepth, colorType, interlace } = header;
  const channels = CHANNELS[colorType];
  if (channels === undefined) {
    throw new ImageFormatError(
      `PNG colour type ${colorType} (${COLOR_NAMES[colorType] ?? 'unknown'}) is not supported: ` +
        `save it as 8-bit greyscale, RGB or RGBA`,
    );
  }
  if (bitDepth !== 8)
    throw new ImageFormatError(`PNG bit depth ${bitDepth} is not supported: save it with 8 bits per channel`);
  if (interlace !== 0) throw new ImageFormatError('interlaced PNG is not supported: save it without interlacing');
  if (width === 0 || height === 0) throw new ImageFormatError(`PNG has an empty size ${width}x${height}`);
  if (idat.length === 0) throw new ImageFormatError('PNG damaged: no IDAT chunk');
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new ImageFormatError(`PNG damaged: image data does not inflate (${(e as Error).message})`);
  }
  const stride = width * channels;
  if (raw.length < height * (stride + 1))
    throw new ImageFormatError(
      `PNG damaged: ${raw.length} bytes of image data, ` +
        `expected ${height * (stride + 1)} for ${width}x${height} ${COLOR_NAMES[colorType]}`,
    );
  const samples = unfilter(raw, width, height, channels);
  return { width, height, pixels: toGray(samples, width * height, channels) };
}

/** Undoes the per-scanline filters; returns the raw samples, `height × width × channels` bytes. */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride; // the row above (treated as zeros for y = 0)
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[prev + x]! : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp]! : 0;
      const v = raw[src + x]!;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >>> 1;
          break;
        case 4:
          predicted = paeth(a, b, c);
          break;
        default:
          throw new ImageFormatError(`PNG damaged: unknown filter type ${filter} on row ${y}`);
      }
      out[row + x] = (v + predicted) & 0xff;
    }
  }
  return out;
}

/** The Paeth predictor: whichever of left, up, upper-left is closest to left + up − upper-left. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function toGray(samples: Uint8Array, pixels: number, channels: number): Float32Array {
  const out = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const s = i * channels;
    const color = channels >= 3 ? 0.299 * samples[s]! + 0.587 * samples[s + 1]! + 0.114 * samples[s + 2]! : samples[s]!;
    const alpha = channels === 2 ? samples[s + 1]! / 255 : channels === 4 ? samples[s + 3]! / 255 : 1;
    out[i] = (alpha * color) / 255 + (1 - alpha); // over a white background
  }
  return out;
}
