// Fuzz of loadOnnx: truncated and bit-flipped copies of PyTorch-exported files either load (and then run, or fail
// with an OnnxImportError) or fail with an OnnxImportError; never another error, a crash or a hang.
// Fixtures: .venv/bin/python scripts/fixtures/onnx_models.py
import { readFileSync } from 'node:fs';
import { noGrad, type Tensor, tensor } from '@chainrule/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadOnnx, OnnxImportError } from '../src/index.js';

const dir = new URL('./fixtures/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('onnx_models.json', dir), 'utf8')) as Record<
  string,
  { file: string; input: { shape: number[]; data: number[] } }
>;
const models = ['mlp', 'cnn_legacy', 'misc_legacy', 'lstm_legacy'].map((name) => {
  const c = cases[name]!;
  const input: Tensor = tensor(Float32Array.from(c.input.data)).reshape(c.input.shape);
  return { bytes: new Uint8Array(readFileSync(new URL(c.file, dir))), input };
});

/** Loads and runs `bytes`; returns 'ok' or 'OnnxImportError', rethrows anything else. */
function outcome(bytes: Uint8Array, input: Tensor): string {
  try {
    const m = loadOnnx(bytes);
    noGrad(() => m.forwardAll(...m.inputNames.map(() => input)));
    return 'ok';
  } catch (e) {
    if (e instanceof OnnxImportError) return e.name;
    throw e;
  }
}

describe('loadOnnx fuzz (seeded)', () => {
  it('truncations: an OnnxImportError, never another error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), (k, f) => {
        const { bytes, input } = models[k]!;
        const cut = Math.floor(f * (bytes.length - 1));
        expect(['ok', 'OnnxImportError']).toContain(outcome(bytes.subarray(0, cut), input));
      }),
      { seed: 15, numRuns: 150 },
    );
  });

  it('bit flips (1 to 8 per file): loads and runs, or an OnnxImportError', () => {
    const counts = { ok: 0, OnnxImportError: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 7 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (k, flips) => {
          const { bytes, input } = models[k]!;
          const copy = bytes.slice();
          for (const [f, bit] of flips) copy[Math.floor(f * (copy.length - 1))]! ^= 1 << bit;
          const got = outcome(copy, input) as keyof typeof counts;
          expect(Object.keys(counts)).toContain(got);
          counts[got]++;
        },
      ),
      { seed: 15, numRuns: 300 },
    );
    // both outcomes occur: the flips reach the structure, not only weight bytes
    expect(counts.OnnxImportError).toBeGreaterThan(0);
    expect(counts.ok).toBeGreaterThan(0);
  });
});
