// Seeded fuzz tests of the safetensors decoder: truncations, bit flips, byte edits, edits of the JSON
// header (dtypes, shapes, offsets, keys, duplicate keys, metadata), crafted length prefixes and huge
// declared sizes. Every input must give either a consistent result or a CheckpointError: never a
// crash, another error class, a hang (each case is timed) or a half-load (a checkpoint loaded into a
// model changes all of it or nothing). A few thousand cases run in `npm test`; CHAINRULE_FUZZ_RUNS=k
// multiplies them (e.g. CHAINRULE_FUZZ_RUNS=50 npx vitest run --project nn test/safetensors-fuzz).
import type { Tensor } from '@chainrule/autograd';
import { array, zeros } from '@chainrule/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Linear, Sequential, StateDictError } from '../src/index.js';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from '../src/serialization/index.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/train/checkpoint.js';

const SCALE = Math.max(1, Number(process.env.CHAINRULE_FUZZ_RUNS ?? 1) || 1);
const runs = (n: number): number => Math.round(n * SCALE);
const SEED = 16_2024;
/** A decode of a few hundred bytes takes microseconds; a case over this (ms) counts as a hang. */
const HANG_MS = 2000;

const BASES: Uint8Array[] = [
  encodeSafetensors(
    {
      w: array([
        [1, 2],
        [3, 4],
      ]),
      b: array([0.5, -0], 'float64'),
      i: array([1, -2, 3], 'int32'),
      m: array([true, false, true]),
    },
    { epoch: '3', note: 'fuzz' },
  ),
  encodeSafetensors({ s: array(7), e: zeros([0, 3]), 'a.b': array([Number.NaN, Number.POSITIVE_INFINITY]) }),
  encodeSafetensors({}),
  encodeSafetensors({ x: array([1, 2, 3, 4, 5, 6, 7, 8], 'float64') }, {}),
];

/** The JSON header and the data of a valid file. */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  return { header, data: bytes.subarray(8 + n) };
}

/** A file from header text and data, with a length prefix of `declared` (default: the true length). */
function join(text: string, data: Uint8Array, declared?: bigint): Uint8Array {
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const PROBLEMS = new Set([
  'truncated',
  'header-too-large',
  'header-encoding',
  'header-json',
  'duplicate-key',
  'metadata',
  'entry',
  'dtype',
  'shape',
  'offsets',
  'byte-count',
  'value',
  'input',
]);

/** How often each outcome ('ok' or a CheckpointError problem) came up, to check the cases reach every check. */
const outcomes = new Map<string, number>();

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function bitsOf(t: Tensor): Uint8Array {
  const c = t.value.contiguous();
  return new Uint8Array(
    c.data.buffer,
    c.data.byteOffset + c.offset * c.data.BYTES_PER_ELEMENT,
    c.size * c.data.BYTES_PER_ELEMENT,
  );
}

/**
 * Decodes `bytes` and checks the outcome: a CheckpointError with a known problem, or tensors that
 * match their shapes and survive a re-encode bit for bit. The input is never modified.
 */
function checkDecode(bytes: Uint8Array): string {
  const before = bytes.slice();
  const started = performance.now();
  let outcome = 'ok';
  try {
    const { tensors, metadata } = decodeSafetensors(bytes);
    for (const [name, t] of tensors) {
      expect(typeof name).toBe('string');
      expect(t.value.data.length).toBe(t.numel());
      if (t.dtype === 'bool') expect(t.value.data.every((v) => v === 0 || v === 1)).toBe(true);
    }
    for (const v of Object.values(metadata)) expect(typeof v).toBe('string');
    const again = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect([...again.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const u = again.tensors.get(name)!;
      expect(u.shape).toEqual(t.shape);
      expect(u.dtype).toBe(t.dtype);
      expect(sameBytes(bitsOf(u), bitsOf(t))).toBe(true);
    }
    expect(again.metadata).toEqual(metadata);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw new Error(`untyped error ${String(e)}`, { cause: e });
    expect(PROBLEMS.has(e.problem)).toBe(true);
    expect(e.message.startsWith('safetensors: ')).toBe(true);
    outcome = e.problem;
  }
  expect(performance.now() - started).toBeLessThan(HANG_MS);
  expect(sameBytes(bytes, before)).toBe(true);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  return outcome;
}

const baseArb = fc.nat(BASES.length - 1).map((i) => BASES[i]!);

/** Values to put where the header expects a dtype, a shape or offsets. */
const dtypeArb = fc.constantFrom<unknown>(
  'F32',
  'F64',
  'I32',
  'BOOL',
  'F16',
  'BF16',
  'I64',
  'U8',
  'F8_E4M3',
  '',
  'f32',
  'F32 ',
  '__proto__',
  7,
  null,
  ['F32'],
  { dtype: 'F32' },
);
const dimArb = fc.oneof(
  fc.integer({ min: -2, max: 9 }),
  fc.constantFrom(0, 1, 1.5, -0, 2 ** 31, 2 ** 32, 1e9, 2 ** 53, 2 ** 53 + 2, 1e300, Number.MAX_VALUE),
);
const shapeArb = fc.oneof(
  fc.array(dimArb, { maxLength: 5 }),
  fc.constantFrom<unknown>(null, '2', 3, [[2]], [null], ['1'], {}, [true]),
);
const offsetArb = fc.oneof(
  fc.integer({ min: -16, max: 96 }),
  fc.constantFrom(0.5, -0, 2 ** 32, 2 ** 53, 2 ** 53 + 8, 2 ** 64, 1e300, -1e300),
);
const offsetsArb = fc.oneof(
  fc.tuple(offsetArb, offsetArb),
  fc.constantFrom<unknown>(null, [0], [0, 8, 16], ['0', '8'], '0,8', {}, [[0], [8]]),
);

type HeaderEdit = (header: Record<string, unknown>, names: string[]) => void;

/** Structured edits of a header object (applied to a copy). */
const editArb: fc.Arbitrary<HeaderEdit> = fc.oneof(
  fc.tuple(fc.nat(), dtypeArb).map(
    ([i, v]): HeaderEdit =>
      (h, n) =>
        setField(h, n, i, 'dtype', v),
  ),
  fc.tuple(fc.nat(), shapeArb).map(
    ([i, v]): HeaderEdit =>
      (h, n) =>
        setField(h, n, i, 'shape', v),
  ),
  fc.tuple(fc.nat(), offsetsArb).map(
    ([i, v]): HeaderEdit =>
      (h, n) =>
        setField(h, n, i, 'data_offsets', v),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('dtype', 'shape', 'data_offsets')).map(
    ([i, k]): HeaderEdit =>
      (h, n) =>
        void delete (pick(h, n, i) as Record<string, unknown> | undefined)?.[k],
  ),
  fc.tuple(fc.nat(), fc.constantFrom('extra', 'DTYPE', '__proto__', 'constructor')).map(
    ([i, k]): HeaderEdit =>
      (h, n) =>
        setField(h, n, i, k, 1),
  ),
  fc.tuple(fc.nat(), fc.constantFrom<unknown>(null, 1, 'x', [], true)).map(
    ([i, v]): HeaderEdit =>
      (h, n) => {
        if (n.length > 0) own(h, n[i % n.length]!, v);
      },
  ),
  fc.tuple(fc.constantFrom('__metadata__', 'n', '__proto__', 'constructor', ''), fc.nat()).map(
    ([name, i]): HeaderEdit =>
      (h, n) => {
        const src = pick(h, n, i);
        if (src !== undefined) own(h, name, JSON.parse(JSON.stringify(src)));
      },
  ),
  fc.constantFrom<unknown>(null, [], 'x', 1, { a: 1 }, { a: null }, { a: ['b'] }, JSON.parse('{"__proto__":"x"}')).map(
    (v): HeaderEdit =>
      (h) =>
        own(h, '__metadata__', v),
  ),
  fc.nat().map(
    (i): HeaderEdit =>
      (h, n) =>
        void (n.length > 0 && delete h[n[i % n.length]!]),
  ),
);

function pick(h: Record<string, unknown>, names: string[], i: number): unknown {
  return names.length === 0 ? undefined : h[names[i % names.length]!];
}

function setField(h: Record<string, unknown>, names: string[], i: number, key: string, value: unknown): void {
  const entry = pick(h, names, i);
  if (entry !== null && typeof entry === 'object') own(entry as Record<string, unknown>, key, value);
}

/** Sets an own, enumerable property, even "__proto__". */
function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Text-level header damage: duplicate keys, padding, a BOM, invalid UTF-8, a wrong length prefix. */
type TextEdit = (text: string, data: Uint8Array) => Uint8Array;
const textEditArb: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.constant<TextEdit>((t, d) => join(t.replace(/^\{("[^"]+":\{[^}]*\})/, '{$1,$1'), d)),
  fc.constant<TextEdit>((t, d) =>
    join(
      t.replace(/^\{"(\w)/, (_, c: string) => `{"\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      d,
    ),
  ),
  fc.constant<TextEdit>((t, d) => join(`\uFEFF${t}`, d)),
  fc.constant<TextEdit>((t, d) => join(`${t}\u0000\u0000`, d)),
  fc.constant<TextEdit>((t, d) => join(`${t}   `, d)),
  fc.constant<TextEdit>((t, d) => join(`  ${t}`, d)),
  fc.constant<TextEdit>((t, d) => join(`[${t}]`, d)),
  fc.constant<TextEdit>((t, d) => join(t.slice(0, -1), d)),
  fc.constant<TextEdit>((t, d) => {
    const out = join(t, d);
    out[9] = 0xff; // not UTF-8
    return out;
  }),
  fc.constantFrom(1n, 7n, -1n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 64n - 1n, 100_000_001n).map(
    (delta): TextEdit =>
      (t, d) =>
        join(t, d, BigInt.asUintN(64, BigInt(t.length) + delta)),
  ),
);

describe('fuzzed safetensors bytes', () => {
  it('truncations: every prefix of a valid file is refused (or is the whole file)', () => {
    fc.assert(
      fc.property(baseArb, fc.nat(), (base, cut) => {
        const k = cut % (base.length + 1);
        const outcome = checkDecode(base.subarray(0, k));
        if (k < base.length) expect(outcome).not.toBe('ok');
      }),
      { seed: SEED, numRuns: runs(600) },
    );
  });

  it('bit flips, byte edits, insertions and deletions', () => {
    const editsArb = fc.array(
      fc.tuple(
        fc.constantFrom('flip', 'set', 'insert', 'delete'),
        fc.nat(),
        fc.nat(255),
        fc.constantFrom('header', 'data', 'anywhere'),
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(baseArb, editsArb, (base, edits) => {
        let bytes = base.slice();
        const n = new DataView(base.buffer, base.byteOffset).getUint32(0, true);
        for (const [kind, at, value, region] of edits) {
          const len = Math.max(1, bytes.length);
          const dataLen = Math.max(1, bytes.length - 8 - n);
          const p =
            region === 'header'
              ? at % Math.min(len, 8 + n)
              : region === 'data'
                ? (8 + n + (at % dataLen)) % len
                : at % len;
          if (kind === 'flip' && bytes.length > 0) bytes[p] ^= 1 << (value & 7);
          else if (kind === 'set' && bytes.length > 0) bytes[p] = value;
          else if (kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, p), value, ...bytes.subarray(p)]);
          else bytes = Uint8Array.from([...bytes.subarray(0, p), ...bytes.subarray(p + 1)]);
        }
        checkDecode(bytes);
      }),
      { seed: SEED, numRuns: runs(1200) },
    );
  });

  it('bool bytes other than 0 and 1', () => {
    const base = BASES[0]!; // its BOOL tensor "m" is the last 3 bytes
    fc.assert(
      fc.property(fc.nat(2), fc.nat(255), (i, value) => {
        const bytes = base.slice();
        bytes[bytes.length - 1 - i] = value;
        expect(checkDecode(bytes)).toBe(value <= 1 ? 'ok' : 'value');
      }),
      { seed: SEED, numRuns: runs(100) },
    );
  });

  it('edited headers: dtypes, shapes, offsets, keys and metadata', () => {
    fc.assert(
      fc.property(baseArb, fc.array(editArb, { minLength: 1, maxLength: 3 }), (base, edits) => {
        const { header, data } = split(base);
        const names = Object.keys(header).filter((k) => k !== '__metadata__');
        for (const edit of edits) edit(header, names);
        checkDecode(join(JSON.stringify(header), data));
      }),
      { seed: SEED, numRuns: runs(1200) },
    );
  });

  it('damaged header text and crafted length prefixes', () => {
    fc.assert(
      fc.property(baseArb, textEditArb, (base, edit) => {
        const n = new DataView(base.buffer, base.byteOffset).getUint32(0, true);
        const text = new TextDecoder().decode(base.subarray(8, 8 + n));
        checkDecode(edit(text, base.subarray(8 + n)));
      }),
      { seed: SEED, numRuns: runs(300) },
    );
  });

  it('huge declared sizes never allocate them', () => {
    for (const shape of [[1e9, 1e9], [2 ** 31, 2 ** 31], [2 ** 53], [2 ** 26, 2 ** 26, 4]]) {
      const header = { x: { dtype: 'F64', shape, data_offsets: [0, 8 * shape.reduce((p, d) => p * d, 1)] } };
      expect(checkDecode(join(JSON.stringify(header), new Uint8Array(8)))).not.toBe('ok');
    }
    expect(checkDecode(join('{}', new Uint8Array(0), 2n ** 64n - 1n))).toBe('header-too-large');
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.nat(120), (tail, n) => {
        const head = new Uint8Array(8);
        new DataView(head.buffer).setUint32(0, n, true);
        checkDecode(Uint8Array.from([...head, ...tail]));
      }),
      { seed: SEED, numRuns: runs(400) },
    );
  });

  it('the cases reach every check of the decoder', () => {
    const problems = [...PROBLEMS].filter((p) => p !== 'input');
    expect(problems.filter((p) => (outcomes.get(p) ?? 0) === 0)).toEqual([]);
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
  });
});

describe('fuzzed checkpoints loaded into a model: all or nothing', () => {
  const model = new Sequential(new Linear(3, 2), new Linear(2, 1));
  const file = encodeCheckpoint(model, undefined, { run: 'fuzz' });
  const snapshot = (): Uint8Array[] => [...model.stateDict().values()].map((t) => bitsOf(t).slice());

  it('a damaged checkpoint loads whole or not at all', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 4 }), fc.nat(), (flips, cut) => {
        for (const p of model.parameters()) p.value.data.fill(0.25); // a state distinct from the file's
        const before = snapshot();
        const bytes = file.slice(0, file.length - (cut % 3 === 0 ? cut % 9 : 0));
        for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
        let loaded: Map<string, Tensor> | undefined;
        try {
          decodeCheckpoint(bytes, model);
          loaded = decodeSafetensors(bytes).tensors;
        } catch (e) {
          if (!(e instanceof CheckpointError || e instanceof StateDictError)) throw e;
        }
        const after = [...model.stateDict()];
        if (loaded === undefined)
          for (const [i, [, t]] of after.entries()) expect(sameBytes(bitsOf(t), before[i]!)).toBe(true);
        else for (const [k, t] of after) expect(sameBytes(bitsOf(t), bitsOf(loaded.get(k)!))).toBe(true);
      }),
      { seed: SEED, numRuns: runs(600) },
    );
  });
});
