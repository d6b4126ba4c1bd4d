/**
 * Resident memory (src/resident.ts, backends/wasm/resident.ts), the kernels: a wasm backend has
 * resident memory and the TypeScript backend none; the wasm kernels give the same bits whether their
 * operands and `out` are ordinary arrays or views of resident blocks (read in place, written in
 * place, `out` the same array as an input included), never write into a resident input, and touch
 * nothing else in the block; an `out` that partly overlaps an input is not written in place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActivationGradOp,
  type BinaryOp,
  NDArray,
  Rng,
  type UnaryOp,
  attachResidentMemory,
  composeBackend,
  convGeometry,
  createWasmBackend,
  jsBackend,
  randint,
  residentMemory,
} from '../src/index.js';
import {
  elementBytes,
  expectSameResident,
  residentCopies,
  check,
  floatDtype,
  seed,
  skew,
  subjects,
  typed,
  values,
  BYTES,
} from './resident-helpers.js';
import { firstDifference, garbage } from './out-helpers.js';

describe('residentMemory', () => {
  it('is defined for a wasm backend, undefined for the TypeScript backend and a composed one unless attached', () => {
    const be = createWasmBackend(jsBackend, { threads: 1 });
    const memory = residentMemory(be);
    expect(memory).toBeDefined();
    expect(typeof memory!.allocate).toBe('function');
    expect(residentMemory(jsBackend)).toBeUndefined();
    const composed = composeBackend({ name: 'composed' }, be);
    expect(residentMemory(composed)).toBeUndefined();
    expect(attachResidentMemory(composed, memory)).toBe(composed);
    expect(residentMemory(composed)).toBe(memory);
    // two wasm backends, two memories
    expect(residentMemory(createWasmBackend(jsBackend, { threads: 1 }))).not.toBe(memory);
  });
});

describe.each(subjects)('%s: the same bits with resident operands and out', (_name, s) => {
  const { be } = s;
  /** Shapes of 2 axes past every wasm threshold (at least 512 elements). */
  const matrix = fc.tuple(fc.integer({ min: 8, max: 40 }), fc.integer({ min: 64, max: 150 }));

  it('binary, with broadcast operands and out the same array as an input', () => {
    const op = fc.constantFrom<BinaryOp>('add', 'sub', 'mul', 'div', 'maximum', 'minimum');
    const broadcast = fc.constantFrom('full', 'row', 'column', 'scalar');
    const alias = fc.constantFrom<number | undefined>(undefined, 0, 1);
    const cases = fc.record({ shape: matrix, op, broadcast, alias, dtype: floatDtype, skew, seed });
    check(cases, ({ shape: [r, c], op, broadcast, alias, dtype, skew, seed }) => {
      const rng = new Rng(seed);
      const bShape =
        broadcast === 'full' ? [r, c] : broadcast === 'row' ? [1, c] : broadcast === 'column' ? [r, 1] : [];
      const stored = [values([r, c], dtype, rng), values(bShape, dtype, rng)];
      const call = ([a, b]: NDArray[], out?: NDArray): NDArray => be.binary(op, a!, b!.expand([r, c]), dtype, out);
      expectSameResident(s, 'binary', stored, call, { alias: broadcast === 'full' || alias !== 1 ? alias : 0, skew });
    });
  });

  it('unary (neg, abs and math kernels), with out the same array as x', () => {
    const op = fc.constantFrom<UnaryOp>('neg', 'abs', 'exp', 'tanh', 'sigmoid');
    const alias = fc.constantFrom<number | undefined>(undefined, 0);
    check(fc.record({ shape: matrix, op, alias, dtype: floatDtype, skew, seed }), (v) => {
      const stored = [values(v.shape, v.dtype, new Rng(v.seed))];
      const call = ([x]: NDArray[], out?: NDArray): NDArray => be.unary(v.op, x!, v.dtype, out);
      expectSameResident(s, 'unary', stored, call, v);
    });
  });

  it('activationGrad, with out the same array as g or saved', () => {
    const op = fc.constantFrom<ActivationGradOp>('relu', 'sigmoid', 'tanh');
    const alias = fc.constantFrom<number | undefined>(undefined, 0, 1);
    check(fc.record({ shape: matrix, op, alias, dtype: floatDtype, skew, seed }), (v) => {
      const rng = new Rng(v.seed);
      const stored = [values(v.shape, v.dtype, rng), values(v.shape, v.dtype, rng)];
      const call = ([g, saved]: NDArray[], out?: NDArray): NDArray => be.activationGrad(v.op, g!, saved!, out);
      expectSameResident(s, 'activationGrad', stored, call, v);
    });
  });

  it('clamp, with out the same array as x', () => {
    const alias = fc.constantFrom<number | undefined>(undefined, 0);
    const lo = fc.double({ min: -1.5, max: 0, noNaN: true });
    check(fc.record({ shape: matrix, lo, alias, dtype: floatDtype, skew, seed }), (v) => {
      const stored = [values(v.shape, v.dtype, new Rng(v.seed))];
      const call = ([x]: NDArray[], out?: NDArray): NDArray => be.clamp(x!, v.lo, v.lo + 1, v.dtype, out);
      expectSameResident(s, 'clamp', stored, call, v);
    });
  });

  it('addScaledInPlace, y resident (x another resident array, or y itself)', () => {
    const alpha = fc.double({ min: -3, max: 3, noNaN: true });
    check(fc.record({ shape: matrix, alpha, same: fc.boolean(), dtype: floatDtype, skew, seed }), (v) => {
      const rng = new Rng(v.seed);
      const stored = v.same
        ? [values(v.shape, v.dtype, rng)]
        : [values(v.shape, v.dtype, rng), values(v.shape, v.dtype, rng)];
      const call = (xs: NDArray[], out?: NDArray): NDArray => {
        const y = out ?? jsBackend.copy(xs[0]!, v.dtype); // the reference leaves `stored` alone
        be.addScaledInPlace(y, v.same ? y : xs[1]!, v.alpha);
        return y;
      };
      expectSameResident(s, 'addScaledInPlace', stored, call, { alias: 0, skew: v.skew });
    });
  });

  it('where, with broadcast operands and out the same array as a or b', () => {
    const broadcast = fc.constantFrom('full', 'row', 'scalar');
    const alias = fc.constantFrom<number | undefined>(undefined, 1, 2);
    check(fc.record({ shape: matrix, broadcast, alias, dtype: floatDtype, skew, seed }), (v) => {
      const [r, c] = v.shape;
      const rng = new Rng(v.seed);
      const bShape = v.broadcast === 'full' ? [r, c] : v.broadcast === 'row' ? [1, c] : [];
      const stored = [
        randint(0, 2, [r, c], { rng, dtype: 'bool' }),
        values([r, c], v.dtype, rng),
        values(bShape, v.dtype, rng),
      ];
      const call = ([cond, a, b]: NDArray[], out?: NDArray): NDArray =>
        be.where(cond!, a!, b!.expand([r, c]), v.dtype, out);
      const alias = v.alias === 2 && v.broadcast !== 'full' ? 1 : v.alias;
      expectSameResident(s, 'where', stored, call, { alias, skew: v.skew });
    });
  });

  it('matmul, with transposed and batch-broadcast operands', () => {
    const cases = fc.record({
      m: fc.integer({ min: 4, max: 40 }),
      k: fc.integer({ min: 8, max: 40 }),
      n: fc.integer({ min: 8, max: 40 }),
      batch: fc.constantFrom(0, 2, 3),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      dtype: floatDtype,
      skew,
      seed,
    });
    check(cases, ({ m, k, n, batch, transposeA, transposeB, dtype, skew, seed }) => {
      const rng = new Rng(seed);
      const lead = batch === 0 ? [] : [batch];
      const stored = [
        values(transposeA ? [...lead, k, m] : [...lead, m, k], dtype, rng),
        values(transposeB ? [n, k] : [k, n], dtype, rng),
      ];
      const call = ([a, b]: NDArray[], out?: NDArray): NDArray => {
        const av = transposeA ? a!.transpose(-2, -1) : a!;
        const bt = transposeB ? b!.transpose() : b!;
        const bv = batch === 0 ? bt : bt.unsqueeze(0).expand([batch, k, n]); // stride 0 over the batch
        return be.matmul(av, bv, dtype, out);
      };
      expectSameResident(s, 'matmul', stored, call, { skew });
    });
  });

  it('reduce (sum and max) over a leading or a trailing axis, and sum over both', () => {
    const shape = fc.tuple(
      fc.integer({ min: 4, max: 12 }),
      fc.integer({ min: 4, max: 16 }),
      fc.integer({ min: 32, max: 64 }),
    );
    const cases = fc.record({
      shape,
      op: fc.constantFrom<'sum' | 'max'>('sum', 'max'),
      axes: fc.constantFrom([0], [2], [0, 2]),
      dtype: floatDtype,
      skew,
      seed,
    });
    check(cases, ({ shape, op, axes: picked, dtype, skew, seed }) => {
      const stored = [values(shape, dtype, new Rng(seed))];
      // [0, 2]: a sum over a leading and a trailing run, one wasm call (max over them: the fallback's)
      const axes = op === 'max' && picked.length === 2 ? [0] : picked;
      const call = ([x]: NDArray[], out?: NDArray): NDArray => be.reduce(op, x!, axes, dtype, out);
      expectSameResident(s, 'reduce', stored, call, { skew });
    });
  });

  const conv = fc.record({
    n: fc.integer({ min: 1, max: 3 }),
    c: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 4, max: 14 }),
    w: fc.integer({ min: 4, max: 14 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 1 }),
    transposed: fc.boolean(),
    dtype: floatDtype,
    skew,
    seed,
  });
  type Conv = typeof conv extends fc.Arbitrary<infer V> ? V : never;
  /** The geometry of a case, or undefined when its columns are too few for the wasm kernels (256). */
  const geometryOf = ({ n, c, h, w, k, stride, padding }: Conv) => {
    const geo = convGeometry('test', h, w, { kernel: k, stride, padding });
    return n * c * k * k * geo.output[0] * geo.output[1] >= 256 ? geo : undefined;
  };

  it('im2col, of a contiguous or a strided resident x', () => {
    check(conv, (v) => {
      const geo = geometryOf(v);
      fc.pre(geo !== undefined);
      const { n, c, h, w, transposed } = v;
      const stored = [values(transposed ? [n, c, w, h] : [n, c, h, w], v.dtype, new Rng(v.seed))];
      const call = ([x]: NDArray[], out?: NDArray): NDArray =>
        be.im2col(transposed ? x!.transpose(2, 3) : x!, geo!, 0.5, out);
      expectSameResident(s, 'im2col', stored, call, v);
    });
  });

  it('col2im', () => {
    check(conv, (v) => {
      const geo = geometryOf(v);
      fc.pre(geo !== undefined);
      const { n, c, h, w, k } = v;
      const stored = [values([n, c * k * k, geo!.output[0] * geo!.output[1]], v.dtype, new Rng(v.seed))];
      const call = ([cols]: NDArray[], out?: NDArray): NDArray => be.col2im(cols!, geo!, c, h, w, out);
      expectSameResident(s, 'col2im', stored, call, v);
    });
  });

  it('maxPool', () => {
    check(conv, (v) => {
      const geo = geometryOf(v);
      fc.pre(geo !== undefined);
      const { n, c, h, w, transposed } = v;
      fc.pre(n * c * h * w >= 256); // the wasm kernel's threshold
      const stored = [values(transposed ? [n, c, w, h] : [n, c, h, w], v.dtype, new Rng(v.seed))];
      const call = ([x]: NDArray[], out?: NDArray): NDArray =>
        be.maxPool(transposed ? x!.transpose(2, 3) : x!, geo!, out);
      expectSameResident(s, 'maxPool', stored, call, v);
    });
  });

  it('maxPoolGrad, its operands read in place', () => {
    check(conv, (v) => {
      const geo = geometryOf(v);
      fc.pre(geo !== undefined);
      const { n, c, h, w } = v;
      fc.pre(n * c * h * w >= 256); // the wasm kernel's threshold
      const [oh, ow] = geo!.output;
      const rng = new Rng(v.seed);
      const x = values([n, c, h, w], v.dtype, rng);
      const cols = jsBackend.im2col(x, geo!, Number.NEGATIVE_INFINITY).reshape([n, c, v.k * v.k, oh * ow]);
      const maxima = jsBackend.reduce('max', cols, [2], v.dtype).reshape([n, c, oh, ow]);
      const stored = [x, maxima, values([n, c, oh, ow], v.dtype, rng)];
      const call = ([p, q, g]: NDArray[], into?: NDArray): NDArray => be.maxPoolGrad(p!, q!, g!, geo!, into);
      expectSameResident(s, 'maxPoolGrad', stored, call, { skew: v.skew });
    });
  });
});

describe('wasm (whole calls): beyond the contract, and the LSTM cell', () => {
  const s = subjects[0]![1];
  const { be } = s;
  /**
   * Elementwise kernels whose `out` may overlap an input: `call(x, others, out)`, out of x's shape
   * (for addScaledInPlace, out is y and x is added into it).
   */
  const overlapping: Record<string, (x: NDArray, others: NDArray[], out: NDArray) => NDArray> = {
    binary: (x, [b], out) => be.binary('sub', x, b!, x.dtype, out),
    unary: (x, _, out) => be.unary('exp', x, x.dtype, out),
    clamp: (x, _, out) => be.clamp(x, -0.5, 0.75, x.dtype, out),
    activationGrad: (x, [saved], out) => be.activationGrad('sigmoid', x, saved!, out),
    where: (x, [cond, b], out) => be.where(cond!, x, b!, x.dtype, out),
    addScaledInPlace: (x, _, out) => {
      be.addScaledInPlace(out, x, -1.5);
      return out;
    },
  };

  // Beyond the Backend contract (callers copy an input that overlaps out, see mayOverlap; the reference and
  // the blocked calls write over what they read later): the rule of stage.ts `target`, that a resident
  // out overlapping an input is not written in place.
  it('an out that partly overlaps an input (shifted by a few elements) gets the bits of a separate one', () => {
    const kernel = fc.constantFrom(...Object.keys(overlapping));
    const shift = fc.integer({ min: -9, max: 9 }).filter((d) => d !== 0);
    const cases = fc.record({ kernel, n: fc.integer({ min: 600, max: 3000 }), shift, dtype: floatDtype, seed });
    check(cases, ({ kernel, n, shift, dtype, seed }) => {
      const rng = new Rng(seed);
      const others = [values([n], dtype, rng)];
      if (kernel === 'where') others.unshift(randint(0, 2, [n], { rng, dtype: 'bool' }));
      // one resident storage of n + |shift| random elements: x at one end, out at the other
      const block = s.memory.allocate((n + Math.abs(shift)) * BYTES[dtype])!;
      try {
        const data = typed(dtype, block.buffer()!, block.byteOffset, n + Math.abs(shift));
        data.set(values([n + Math.abs(shift)], dtype, rng).data);
        const x = new NDArray(data, [n], undefined, Math.max(0, -shift));
        const out = new NDArray(data, [n], undefined, Math.max(0, shift));
        // the reference: separate ordinary arrays, out holding what it holds (for addScaledInPlace)
        const fallbackCalls = s.calls[kernel] ?? 0;
        const want = overlapping[kernel]!(jsBackend.copy(x, dtype), others, jsBackend.copy(out, dtype));
        const before = elementBytes(new NDArray(data, [data.length]));
        expect(overlapping[kernel]!(x, others, out) === out, 'out itself is returned').toBe(true);
        expect(s.calls[kernel] ?? 0, `${kernel} reached the fallback`).toBe(fallbackCalls);
        const expected = before.slice();
        expected.set(elementBytes(want), Math.max(0, shift) * BYTES[dtype]);
        expect(firstDifference(elementBytes(new NDArray(data, [data.length])), expected)).toBe(-1);
      } finally {
        block.free();
      }
    });
  });

  it('fusedLstmCellBackward, its operands and both results resident (into written in place)', () => {
    const cases = fc.record({
      rows: fc.integer({ min: 8, max: 16 }), // c of at least 512 elements: the wasm kernel's
      hidden: fc.integer({ min: 64, max: 90 }),
      dtype: floatDtype,
      skew,
      seed,
    });
    check(cases, ({ rows, hidden, dtype, skew, seed }) => {
      const rng = new Rng(seed);
      const c = values([rows, hidden], dtype, rng);
      const cell = jsBackend.fusedLstmCell(values([rows, 4 * hidden], dtype, rng), c);
      const grad = values([2, rows, hidden], dtype, rng);
      const want = jsBackend.fusedLstmCellBackward(grad, cell, c);
      const before = s.calls.fusedLstmCellBackward ?? 0;
      const outs = [garbage([rows, 4 * hidden], dtype), garbage([rows, hidden], dtype)];
      const { block, copies } = residentCopies(s.memory, [grad, cell, c, ...outs], skew);
      try {
        const [g, p, cc, dg, dc] = copies as [NDArray, NDArray, NDArray, NDArray, NDArray];
        const inputs = [g, p, cc].map(elementBytes);
        const got = be.fusedLstmCellBackward(g, p, cc, { gates: dg, c: dc });
        expect(s.calls.fusedLstmCellBackward ?? 0, 'the fallback ran').toBe(before);
        expect(got.gates === dg && got.c === dc, 'into itself is returned').toBe(true);
        expect(firstDifference(elementBytes(dg), elementBytes(want.gates))).toBe(-1);
        expect(firstDifference(elementBytes(dc), elementBytes(want.c))).toBe(-1);
        for (const [i, x] of [g, p, cc].entries())
          expect(firstDifference(elementBytes(x), inputs[i]!), `input ${i} changed`).toBe(-1);
      } finally {
        block.free();
      }
    });
  });

  // (the wasm cell declines what does not fit a block: every case past its threshold, in blocks of 1500)
  it('fusedLstmCell', () => {
    const cases = fc.record({
      rows: fc.integer({ min: 4, max: 16 }),
      hidden: fc.integer({ min: 32, max: 80 }),
      dtype: floatDtype,
      skew,
      seed,
    });
    check(cases, ({ rows, hidden, dtype, skew, seed }) => {
      const rng = new Rng(seed);
      const stored = [values([rows, 4 * hidden], dtype, rng), values([rows, hidden], dtype, rng)];
      const call = ([gates, c]: NDArray[], out?: NDArray): NDArray => be.fusedLstmCell(gates!, c!, out);
      expectSameResident(s, 'fusedLstmCell', stored, call, { skew });
    });
  });
});
