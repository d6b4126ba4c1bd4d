/**
 * A seeded fuzz test of the PNG and PGM decoders: random bytes, truncations and bit flips of
 * valid files (PNG with and without fixed-up CRCs), crafted IHDR fields and PGM headers, huge
 * declared sizes and bad zlib streams. Whatever the input:
 * - the decoder returns an image whose pixels are finite levels in [0, 1], as many as its size,
 *   or throws an ImageFormatError (an ImageTooLargeError for a size over the limit) whose message is
 *   one printable line, nothing else;
 * - each call returns within a second (no hang), and the whole run stays within bounded memory.
 * About 4,000 cases run in `npm test`; set CHAINRULE_FUZZ_RUNS to a multiplier for more (and
 * CHAINRULE_FUZZ_SEED to another seed), e.g. `CHAINRULE_FUZZ_RUNS=25 npm run fuzz -w packages/cli`.
 */
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image/digit.js';
import { type DecodeOptions, ImageFormatError, ImageTooLargeError } from '../src/image/gray-image.js';
import { decodePgm } from '../src/image/pgm.js';
import { decodePng } from '../src/image/png.js';
import {
  CHANNELS,
  type PngSpec,
  SIGNATURE,
  chunk,
  encodePng,
  fixCrcs,
  ihdr,
  rawImageData,
} from './helpers/png-encode.js';

const MULTIPLIER = Number(process.env.CHAINRULE_FUZZ_RUNS ?? '1');
if (!(MULTIPLIER > 0)) throw new Error(`CHAINRULE_FUZZ_RUNS must be a positive multiplier, got ${MULTIPLIER}`);
/** The seed: fixed, so a failure reproduces; CHAINRULE_FUZZ_SEED picks another for a long run. */
const SEED = Number(process.env.CHAINRULE_FUZZ_SEED ?? '7');
const runs = (n: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns: Math.ceil(n * MULTIPLIER) });

type Decoder = (bytes: Uint8Array, options?: DecodeOptions) => { width: number; height: number; pixels: Float32Array };
const outcomes = { decoded: 0, refused: 0, tooLarge: 0 };
const startRss = process.resourceUsage().maxRSS;

/** The decoders' promise on any input; returns what happened. */
function check(decode: Decoder, bytes: Uint8Array, options: DecodeOptions = {}): 'decoded' | 'refused' | 'tooLarge' {
  const started = performance.now();
  try {
    const img = decode(bytes, options);
    expect(img.pixels.length).toBe(img.width * img.height);
    expect(img.width * img.height).toBeLessThanOrEqual(options.maxPixels ?? 4096 * 4096);
    for (const v of img.pixels) if (!(v >= 0 && v <= 1)) throw new Error(`pixel level ${v} outside [0, 1]`);
    outcomes.decoded++;
    return 'decoded';
  } catch (e) {
    if (!(e instanceof ImageFormatError)) throw new Error(`untyped error: ${String(e)}`, { cause: e });
    const control = [...e.message].find((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    expect(control, `a control character in '${e.message}'`).toBeUndefined(); // one printable line
    const kind = e instanceof ImageTooLargeError ? 'tooLarge' : 'refused';
    outcomes[kind]++;
    return kind;
  } finally {
    expect(performance.now() - started).toBeLessThan(1000);
  }
}

/** The colour types and bit depths the PNG specification allows. */
const KINDS: [number, number][] = [
  [0, 1],
  [0, 2],
  [0, 4],
  [0, 8],
  [0, 16],
  [2, 8],
  [2, 16],
  [3, 1],
  [3, 2],
  [3, 4],
  [3, 8],
  [4, 8],
  [4, 16],
  [6, 8],
  [6, 16],
];

/** A valid PNG of any kind, small, with random samples, palette and transparency. */
const pngSpecArb: fc.Arbitrary<PngSpec> = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    interlace: fc.constantFrom(0, 1),
    width: fc.integer({ min: 1, max: 12 }),
    height: fc.integer({ min: 1, max: 12 }),
    values: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    filters: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
    trns: fc.boolean(),
  })
  .map(({ kind: [colorType, bitDepth], interlace, width, height, values, filters, trns }) => {
    const n = width * height * CHANNELS[colorType]!;
    const below = 2 ** bitDepth;
    const samples = Array.from({ length: n }, (_, i) => (values[i % values.length]! * (i + 1)) % below);
    const spec: PngSpec = { width, height, colorType, bitDepth, interlace, samples, filters };
    if (colorType === 3) {
      spec.palette = Array.from({ length: below }, (_, k) => [k % 256, (k * 7) % 256, (k * 13) % 256]);
      if (trns) spec.transparency = [0, 128, 255].slice(0, below);
    } else if (trns && (colorType === 0 || colorType === 2)) {
      spec.transparency = samples.slice(0, CHANNELS[colorType]!);
    }
    return spec;
  });
const pngArb = pngSpecArb.map((spec) => encodePng(spec));

/** Flips bits at the given positions (taken modulo the length). */
function flipBits(file: Uint8Array, flips: readonly [number, number][]): Uint8Array {
  const out = Uint8Array.from(file);
  for (const [at, bit] of flips) out[at % out.length]! ^= 1 << bit;
  return out;
}
const flipsArb = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 });

describe('decodePng under fuzzing', () => {
  it('random bytes, with and without the PNG signature', () => {
    const arb = fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 400 }));
    fc.assert(
      fc.property(arb, ([signed, rest]) => {
        check(decodePng, signed ? Buffer.concat([SIGNATURE, rest]) : rest);
      }),
      runs(300),
    );
  });

  it('valid files decode, and every truncation of one is refused', () => {
    fc.assert(
      fc.property(pngArb, fc.nat(), (file, cut) => {
        expect(check(decodePng, file)).toBe('decoded');
        expect(check(decodePng, file.subarray(0, cut % file.length))).toBe('refused');
      }),
      runs(300),
    );
  });

  it('bit flips of valid files, with the CRCs left as they are or fixed up to reach the decoder', () => {
    fc.assert(
      fc.property(pngArb, flipsArb, fc.boolean(), (file, flips, fix) => {
        const flipped = flipBits(file, flips);
        check(decodePng, fix ? fixCrcs(Buffer.from(flipped)) : flipped);
      }),
      runs(600),
    );
  });

  it('crafted IHDR fields in front of some image data', () => {
    const size = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    const byte = (common: number[]): fc.Arbitrary<number> =>
      fc.oneof(fc.constantFrom(...common), fc.integer({ min: 0, max: 255 }));
    const arb = fc.record({
      width: size,
      height: size,
      depth: byte([1, 2, 4, 8, 16]),
      colorType: byte([0, 2, 3, 4, 6]),
      compression: byte([0]),
      filter: byte([0]),
      interlace: byte([0, 1]),
      body: pngSpecArb,
      plte: fc.option(fc.uint8Array({ maxLength: 30 })),
      trns: fc.option(fc.uint8Array({ maxLength: 8 })),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const head = ihdr(c.width, c.height, c.depth, c.colorType, c.interlace);
        head[10] = c.compression;
        head[11] = c.filter;
        const extra = [c.plte === null ? [] : [chunk('PLTE', c.plte)], c.trns === null ? [] : [chunk('tRNS', c.trns)]];
        const file = Buffer.concat([
          SIGNATURE,
          chunk('IHDR', head),
          ...extra.flat(),
          chunk('IDAT', deflateSync(rawImageData(c.body))),
          chunk('IEND', new Uint8Array(0)),
        ]);
        const kind = check(decodePng, file);
        if (c.width * c.height > 4096 * 4096) expect(kind).toBe('tooLarge');
      }),
      runs(600),
    );
  });

  it('huge declared sizes are refused from the header, whatever follows', () => {
    const arb = fc.tuple(fc.integer({ min: 4097, max: 2 ** 32 - 1 }), fc.integer({ min: 4097, max: 2 ** 32 - 1 }));
    fc.assert(
      fc.property(arb, fc.uint8Array({ maxLength: 64 }), ([w, h], rest) => {
        const file = Buffer.concat([SIGNATURE, chunk('IHDR', ihdr(w, h, 8, 0)), rest]);
        expect(check(decodePng, file)).toBe('tooLarge');
        expect(check(decodePng, encodePng({ width: 3, height: 3, colorType: 0, samples: [] }), { maxPixels: 8 })).toBe(
          'tooLarge',
        );
      }),
      runs(200),
    );
  });

  it('bad zlib streams: random, truncated, too short or too long, split over IDAT chunks', () => {
    const arb = fc.record({
      spec: pngSpecArb,
      how: fc.constantFrom('random', 'zlib-header', 'truncated', 'short', 'long', 'dictionary'),
      noise: fc.uint8Array({ minLength: 1, maxLength: 200 }),
      cut: fc.nat(),
      split: fc.array(fc.nat(), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ spec, how, noise, cut, split }) => {
        const raw = rawImageData(spec);
        const good = deflateSync(raw);
        const data: Buffer =
          how === 'random'
            ? Buffer.from(noise)
            : how === 'zlib-header'
              ? Buffer.concat([Buffer.from([0x78, 0x9c]), noise])
              : how === 'truncated'
                ? good.subarray(0, cut % good.length)
                : how === 'short'
                  ? deflateSync(raw.subarray(0, cut % raw.length))
                  : how === 'long'
                    ? deflateSync(Buffer.concat([raw, noise]))
                    : Buffer.concat([Buffer.from([0x78, 0xbb]), noise]); // FDICT: a preset dictionary
        const cuts = [...new Set(split.map((s) => s % (data.length + 1)))].sort((a, b) => a - b);
        const parts = [0, ...cuts].map((at, i) => data.subarray(at, [...cuts, data.length][i]));
        const file = encodePng({ ...spec, idat: new Uint8Array(0) });
        const iend = file.length - 12;
        const idat = file.lastIndexOf(Buffer.from('IDAT')) - 4;
        const rebuilt = Buffer.concat([
          file.subarray(0, idat),
          ...parts.map((p) => chunk('IDAT', p)),
          file.subarray(iend),
        ]);
        expect(check(decodePng, rebuilt)).toBe('refused');
      }),
      runs(500),
    );
  });
});

/** A valid PGM: P2 or P5, any maxval, comments in the header. */
const pgmArb = fc
  .record({
    binary: fc.boolean(),
    width: fc.integer({ min: 1, max: 10 }),
    height: fc.integer({ min: 1, max: 10 }),
    maxval: fc.oneof(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 256, max: 65535 })),
    values: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    comment: fc.boolean(),
  })
  .map(({ binary, width, height, maxval, values, comment }) => {
    const n = width * height;
    const samples = Array.from({ length: n }, (_, i) => (values[i % values.length]! + i) % (maxval + 1));
    const head = `P${binary ? 5 : 2}\n${comment ? '# fuzz\n' : ''}${width} ${height}\n${maxval}\n`;
    if (!binary) return Buffer.from(`${head}${samples.join(' ')}\n`, 'latin1');
    const body = Buffer.alloc(n * (maxval > 255 ? 2 : 1));
    for (const [i, v] of samples.entries()) {
      if (maxval > 255) body.writeUInt16BE(v, 2 * i);
      else body.writeUInt8(v, i);
    }
    return Buffer.concat([Buffer.from(head, 'latin1'), body]);
  });

describe('decodePgm under fuzzing', () => {
  it('random bytes after a P2 or P5 magic', () => {
    const arb = fc.tuple(fc.constantFrom('P2 ', 'P5\n', 'P2\n# x\n', ''), fc.uint8Array({ maxLength: 200 }));
    fc.assert(
      fc.property(arb, ([magic, rest]) => {
        check(decodePgm, Buffer.concat([Buffer.from(magic), rest]));
      }),
      runs(300),
    );
  });

  it('valid files decode; truncations, bit flips and inserted bytes never crash', () => {
    const arb = fc.tuple(pgmArb, fc.nat(), flipsArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(arb, ([file, cut, flips, at, insert]) => {
        expect(check(decodePgm, file)).toBe('decoded');
        check(decodePgm, file.subarray(0, cut % file.length));
        check(decodePgm, flipBits(file, flips));
        const i = at % file.length;
        check(decodePgm, Buffer.concat([file.subarray(0, i), insert, file.subarray(i)]));
      }),
      runs(400),
    );
  });

  it('crafted headers: long, zero-padded or huge numbers, comments, odd maxvals', () => {
    const number = fc.oneof(
      fc.nat({ max: 20 }).map(String),
      fc.integer({ min: 0, max: 2 ** 53 }).map(String),
      fc.tuple(fc.nat({ max: 30 }), fc.nat({ max: 99 })).map(([zeros, v]) => `${'0'.repeat(zeros)}${v}`),
      fc.nat({ max: 400 }).map((k) => '9'.repeat(k + 1)),
    );
    const sep = fc.constantFrom(' ', '\n', '\t', '\r\n', ' # comment\n', '#\n', '');
    const arb = fc.tuple(fc.constantFrom('P2', 'P5'), sep, number, sep, number, sep, number, sep, fc.uint8Array());
    fc.assert(
      fc.property(arb, ([magic, s1, w, s2, h, s3, maxval, s4, rest]) => {
        const head = `${magic}${/^\s/.test(s1) ? s1 : ` ${s1}`}${w}${s2}${h}${s3}${maxval}${s4}`;
        const kind = check(decodeImage, Buffer.concat([Buffer.from(head), rest]));
        // with the numbers apart and each of at most 15 digits, a size over the limit is refused as such
        const digits = (d: string): number => d.replace(/^0+(?=\d)/, '').length;
        if (s2 !== '' && s3 !== '' && digits(w) <= 15 && digits(h) <= 15 && Number(w) * Number(h) > 4096 * 4096)
          expect(kind).toBe('tooLarge');
      }),
      runs(300),
    );
  });
});

afterAll(() => {
  // the run decoded some files and refused others (the generators reach past the first checks)
  expect(outcomes.decoded).toBeGreaterThan(100);
  expect(outcomes.refused).toBeGreaterThan(100);
  expect(outcomes.tooLarge).toBeGreaterThan(100);
  // kilobytes: a decoder that allocated for a declared size or inflated without a limit would go far past this
  expect(process.resourceUsage().maxRSS - startRss).toBeLessThan(512_000);
});
