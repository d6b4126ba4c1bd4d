/**
 * A test-only PNG writer, independent of the decoder under test: CRCs from node:zlib's crc32,
 * each row filtered with the filter type chosen for it.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA (anything else is written as given, for error tests). */
  colorType: number;
  /** Row-major samples, width × height × channels bytes. */
  samples: Uint8Array;
  /** Filter type of row y: filters[y % filters.length] (default all 0). */
  filters?: readonly number[];
  bitDepth?: number;
  interlace?: number;
}

export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** The bytes of a PNG file holding `spec`. */
export function encodePng(spec: PngSpec): Buffer {
  const { width, height, colorType, samples, filters = [0] } = spec;
  const bpp = CHANNELS[colorType] ?? 1;
  const stride = width * bpp;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length]!;
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const v = samples[y * stride + x]!;
      const a = x >= bpp ? samples[y * stride + x - bpp]! : 0;
      const b = y > 0 ? samples[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? samples[(y - 1) * stride + x - bpp]! : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? Math.floor((a + b) / 2) : paeth(a, b, c);
      raw[y * (stride + 1) + 1 + x] = (v - pred + 256) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = spec.bitDepth ?? 8;
  ihdr[9] = colorType;
  ihdr[12] = spec.interlace ?? 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
