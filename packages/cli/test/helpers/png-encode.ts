/**
 * A test-only PNG writer, independent of the decoder under test: CRCs from node:zlib's crc32,
 * samples packed at any bit depth (1, 2, 4, 8 or 16), each row filtered with the filter type
 * chosen for it, optional palette and tRNS chunks, and optional Adam7 interlacing.
 */
import { crc32, deflateSync } from 'node:zlib';

/** One chunk: length, type, data and CRC. */
export function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA (anything else is written as given, for error tests). */
  colorType: number;
  /** Row-major samples, width × height × channels values below 2^bitDepth (palette: indices). */
  samples: ArrayLike<number>;
  /** Filter type of row y: filters[y % filters.length] (default all 0). */
  filters?: readonly number[];
  bitDepth?: number;
  interlace?: number;
  /** PLTE entries [r, g, b]. */
  palette?: readonly (readonly number[])[];
  /** The tRNS chunk's values: alphas (palette), one grey level (grey) or r, g, b (RGB), 16 bits each. */
  transparency?: readonly number[];
  /** Chunks written before the first IDAT (e.g. an iCCP chunk). */
  extraChunks?: readonly Buffer[];
  /** The IDAT data as given, instead of the deflated scanlines. */
  idat?: Uint8Array;
}

export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The seven Adam7 passes: start x, start y, step x, step y. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The filtered scanlines (filter byte first) of a `w × h` sub-image whose samples `at(x, y, c)` gives. */
function scanlines(
  w: number,
  h: number,
  channels: number,
  depth: number,
  at: (x: number, y: number, c: number) => number,
  filters: readonly number[],
): Buffer {
  const stride = Math.ceil((w * channels * depth) / 8);
  const bpp = Math.max(1, (channels * depth) / 8);
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(stride);
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const v = at(x, y, c);
        const bit = (x * channels + c) * depth;
        if (depth === 16) row.writeUInt16BE(v, bit / 8);
        else row[bit >> 3]! |= v << (8 - depth - (bit & 7));
      }
    }
    const f = filters[y % filters.length]!;
    const out = Buffer.alloc(stride + 1);
    out[0] = f;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? Math.floor((a + b) / 2) : paeth(a, b, c);
      out[i + 1] = (row[i]! - pred + 256) & 0xff;
    }
    rows.push(out);
    prev = row;
  }
  return Buffer.concat(rows);
}

/** The raw (inflated) image data of `spec`: all scanlines, pass after pass when interlaced. */
export function rawImageData(spec: PngSpec): Buffer {
  const { width, height, colorType, samples, filters = [0] } = spec;
  const channels = CHANNELS[colorType] ?? 1;
  const depth = spec.bitDepth ?? 8;
  const sample = (x: number, y: number, c: number): number => samples[(y * width + x) * channels + c]!;
  if ((spec.interlace ?? 0) === 0) return scanlines(width, height, channels, depth, sample, filters);
  const passes = ADAM7.map(([x0, y0, dx, dy]) => {
    const [w, h] = [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)];
    if (w <= 0 || h <= 0) return Buffer.alloc(0);
    return scanlines(w, h, channels, depth, (x, y, c) => sample(x0 + x * dx, y0 + y * dy, c), filters);
  });
  return Buffer.concat(passes);
}

/** The 13 bytes of an IHDR chunk. */
export function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = bitDepth;
  data[9] = colorType;
  data[12] = interlace;
  return data;
}

/** The bytes of a PNG file holding `spec`. */
export function encodePng(spec: PngSpec): Buffer {
  const { width, height, colorType } = spec;
  const parts = [SIGNATURE, chunk('IHDR', ihdr(width, height, spec.bitDepth ?? 8, colorType, spec.interlace))];
  if (spec.palette !== undefined) parts.push(chunk('PLTE', Uint8Array.from(spec.palette.flat())));
  if (spec.transparency !== undefined) {
    const t = spec.transparency;
    const data = Buffer.alloc(colorType === 3 ? t.length : 2 * t.length);
    t.forEach((v, i) => {
      if (colorType === 3) data.writeUInt8(v, i);
      else data.writeUInt16BE(v, 2 * i);
    });
    parts.push(chunk('tRNS', data));
  }
  parts.push(...(spec.extraChunks ?? []));
  parts.push(chunk('IDAT', spec.idat ?? deflateSync(rawImageData(spec))), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** Recomputes the CRC of every chunk whose bounds still fit the file, so that damage reaches the decoder. */
export function fixCrcs(file: Buffer): Buffer {
  const out = Buffer.from(file);
  for (let at = 8; at + 12 <= out.length; ) {
    const end = at + 8 + out.readUInt32BE(at);
    if (end + 4 > out.length) break;
    out.writeUInt32BE(crc32(out.subarray(at + 4, end)) >>> 0, end);
    at = end + 4;
  }
  return out;
}
