import { type NDArray, arange, array, fromTypedArray, zeros } from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@chainrule/autograd';
import { CheckpointError, decodeSafetensors, encodeSafetensors } from '../src/serialization/index.js';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const u64le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0, 0, 0, 0];

/** Builds a file by hand: header text padded with spaces to a multiple of 8, then raw data bytes. */
function rawFile(header: string, data: readonly number[], pad = true): Uint8Array {
  const h = ascii(header);
  while (pad && h.length % 8 !== 0) h.push(0x20);
  return Uint8Array.from([...u64le(h.length), ...h, ...data]);
}

function expectProblem(bytes: Uint8Array, problem: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(CheckpointError);
  expect((thrown as CheckpointError).problem).toBe(problem);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('safetensors byte layout', () => {
  // written by hand from the spec: u64 LE header length, compact JSON padded with spaces, LE data
  const header =
    '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"I32","shape":[],"data_offsets":[8,12]}}';
  const data = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x07, 0x00, 0x00, 0x00]; // 1.0f, -2.0f, int 7
  const fixture = rawFile(header, data);

  it('writes exactly the hand-built bytes', () => {
    const bytes = encodeSafetensors({ b: array(7, 'int32'), a: array([1, -2], 'float32') }, { k: 'v' });
    expect([...bytes]).toEqual([...fixture]);
    expect((bytes.length - data.length) % 8).toBe(0);
  });

  it('reads the hand-built bytes', () => {
    const { tensors, metadata } = decodeSafetensors(fixture);
    expect(metadata).toEqual({ k: 'v' });
    expect([...tensors.keys()]).toEqual(['a', 'b']);
    expect(tensors.get('a')!.dtype).toBe('float32');
    expect(tensors.get('a')!.toArray()).toEqual([1, -2]);
    expect(tensors.get('b')!.shape).toEqual([]);
    expect(tensors.get('b')!.item()).toBe(7);
  });

  it('sorts by dtype alignment, then name, and pads the header with spaces', () => {
    const bytes = encodeSafetensors(
      new Map([
        ['z', array([true, false], 'bool')],
        ['y', array([1], 'int32')],
        ['b', array([1], 'float32')],
        ['a', array([1], 'float32')],
        ['x', array([1], 'float64')],
      ]),
    );
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(n % 8).toBe(0);
    expect(text).toMatch(/^\{.*\} *$/);
    const order = Object.entries(JSON.parse(text) as Record<string, { data_offsets: number[] }>)
      .sort((p, q) => p[1].data_offsets[0]! - q[1].data_offsets[0]!)
      .map(([k]) => k);
    expect(order).toEqual(['x', 'a', 'b', 'y', 'z']);
    expect(text).not.toContain('__metadata__');
  });

  it('allows empty and 0-d tensors and an empty file', () => {
    const bytes = encodeSafetensors({ e: zeros([0, 3]), s: array(2.5, 'float64'), none: zeros([0]) });
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.get('e')!.shape).toEqual([0, 3]);
    expect(tensors.get('none')!.numel()).toBe(0);
    expect(tensors.get('s')!.item()).toBe(2.5);
    expect(decodeSafetensors(encodeSafetensors({})).tensors.size).toBe(0);
    expect(decodeSafetensors(rawFile('{}', [])).tensors.size).toBe(0);
  });

  it('writes views as their row-major contents', () => {
    const m = arange(12, undefined, 1, 'float64').reshape([3, 4]);
    const views = { t: m.transpose(), s: m.slice(1, 3, 0, -2), r: m.select(0, 2) };
    const back = decodeSafetensors(encodeSafetensors(views)).tensors;
    for (const [k, v] of Object.entries(views)) expect(back.get(k)!.toArray()).toEqual(v.toArray());
  });

  it('keeps NaN, ±Inf and -0 bit for bit', () => {
    const f = new Float32Array([Number.NaN, Infinity, -Infinity, -0, 0, 1e-45]);
    const bits = new Uint32Array(f.buffer);
    bits[0] = 0x7fc01234; // a quiet NaN with a payload
    bits[4] = 0x7f800001; // a signalling NaN (converting to a JS number would quiet it)
    const d = new Float64Array([Number.NaN, -0, Infinity]);
    const back = decodeSafetensors(encodeSafetensors({ f: fromTypedArray(f), d: fromTypedArray(d) })).tensors;
    expect([...new Uint32Array(back.get('f')!.value.data.buffer)]).toEqual([...bits]);
    expect(Object.is(back.get('d')!.value.data[1], -0)).toBe(true);
    expect(new Uint8Array(back.get('d')!.value.data.buffer)).toEqual(new Uint8Array(d.buffer));
  });

  it('copies data into aligned storage even when the file bytes sit at an odd offset', () => {
    const bytes = encodeSafetensors({ x: array([1.5, 2.5], 'float64') });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const x = decodeSafetensors(shifted.subarray(3)).tensors.get('x')!;
    expect(x.value.data.byteOffset % 8).toBe(0);
    shifted.fill(0);
    expect(x.toArray()).toEqual([1.5, 2.5]);
  });
});

describe('safetensors reader validation', () => {
  const f32 = (name: string, shape: number[], begin: number, end: number): string =>
    `"${name}":{"dtype":"F32","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;
  const bytes8 = [0, 0, 128, 63, 0, 0, 0, 64];

  it('refuses files too short for the header length', () => {
    expectProblem(new Uint8Array([8, 0, 0]), 'truncated', /too short/);
  });

  it('refuses a header length beyond the file or over 100 MB', () => {
    const good = rawFile(`{${f32('a', [2], 0, 8)}}`, bytes8);
    const view = new DataView(good.buffer);
    view.setUint32(0, good.length, true);
    expectProblem(good, 'truncated', /beyond the file/);
    view.setUint32(0, 100_000_008, true);
    expectProblem(good, 'header-too-large', /100000000/);
    view.setUint32(0, 8, true);
    view.setUint32(4, 1, true);
    expectProblem(good, 'header-too-large');
  });

  it('refuses invalid JSON, non-objects and a header not starting with {', () => {
    expectProblem(rawFile('{"a":', []), 'header-json', /not valid JSON/);
    expectProblem(rawFile('[1,2]', []), 'header-json');
    expectProblem(rawFile(' {}', []), 'header-json', /start with/);
    expectProblem(rawFile('{"a":1}', []), 'entry', /"a"/);
  });

  it('refuses a header that is not UTF-8', () => {
    const file = rawFile('{"__metadata__":{"k":"?"}}', []);
    file[8 + 22] = 0xff;
    expectProblem(file, 'header-encoding');
  });

  it('refuses duplicate keys, at the top level and inside entries, even when escaped', () => {
    expectProblem(rawFile(`{${f32('a', [2], 0, 8)},${f32('a', [2], 0, 8)}}`, bytes8), 'duplicate-key', /"a"/);
    expectProblem(rawFile(`{${f32('a', [2], 0, 8)},${f32('\\u0061', [2], 0, 8)}}`, bytes8), 'duplicate-key', /"a"/);
    expectProblem(
      rawFile('{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', bytes8),
      'duplicate-key',
      /"dtype" inside "a"/,
    );
    expectProblem(rawFile('{"__metadata__":{"k":"1","k":"2"}}', []), 'duplicate-key', /"k"/);
    // the same key in different objects is fine
    expect(
      decodeSafetensors(
        rawFile('{"__metadata__":{"dtype":"x"},"dtype":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}', []),
      ).metadata,
    ).toEqual({ dtype: 'x' });
  });

  it('refuses unknown and unsupported dtypes', () => {
    expectProblem(
      rawFile('{"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}}', bytes8),
      'dtype',
      /"F17" is unknown/,
    );
    expectProblem(
      rawFile('{"a":{"dtype":"F6_E2M3","shape":[8],"data_offsets":[0,8]}}', bytes8),
      'dtype',
      /not supported/,
    );
  });

  it('refuses malformed entries', () => {
    expectProblem(rawFile('{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}', bytes8), 'shape');
    expectProblem(rawFile('{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', bytes8), 'shape');
    expectProblem(rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', bytes8), 'offsets');
    expectProblem(rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', bytes8), 'offsets');
    expectProblem(
      rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}', bytes8),
      'entry',
      /expected exactly/,
    );
    expectProblem(rawFile('{"a":{"dtype":"F32","shape":[2]}}', bytes8), 'entry');
  });

  it('refuses holes, overlaps and a buffer longer or shorter than the tensors', () => {
    expectProblem(
      rawFile(`{${f32('a', [1], 0, 4)},${f32('b', [1], 8, 12)}}`, [...bytes8, 0, 0, 0, 0]),
      'offsets',
      /hole/,
    );
    expectProblem(rawFile(`{${f32('a', [1], 4, 8)}}`, bytes8), 'offsets', /hole/);
    expectProblem(rawFile(`{${f32('a', [2], 0, 8)},${f32('b', [1], 4, 8)}}`, bytes8), 'offsets', /overlapping/);
    expectProblem(rawFile(`{${f32('a', [1], 0, 4)}}`, bytes8), 'offsets', /cover 4 bytes but the data buffer has 8/);
    expectProblem(rawFile(`{${f32('a', [2], 0, 8)}}`, bytes8.slice(0, 6)), 'offsets', /data buffer has 6/);
  });

  it('refuses byte counts that do not match the shape', () => {
    expectProblem(rawFile(`{${f32('a', [3], 0, 8)}}`, bytes8), 'byte-count', /"a" has 8 bytes, expected 12/);
    expectProblem(rawFile('{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', bytes8), 'byte-count');
  });

  it('refuses metadata that is not a string map', () => {
    expectProblem(rawFile('{"__metadata__":{"epoch":3}}', []), 'metadata', /"epoch" must be a string, got number/);
    expectProblem(rawFile('{"__metadata__":["x"]}', []), 'metadata');
    expect(decodeSafetensors(rawFile('{"__metadata__":null}', [])).metadata).toEqual({});
  });

  it('refuses bool bytes other than 0 and 1', () => {
    expectProblem(
      rawFile('{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', [1, 2]),
      'value',
      /byte 2 at element 1/,
    );
  });
});

describe('safetensors names', () => {
  it('keeps keys such as "__proto__" in names and metadata', () => {
    const meta = JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>;
    const tensors = new Map([
      ['__proto__', zeros([1])],
      ['héllo wörld ✓', zeros([2])],
    ]);
    const back = decodeSafetensors(encodeSafetensors(tensors, meta));
    expect(Object.keys(back.metadata).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value).toBe('p');
    expect([...back.tensors.keys()].sort()).toEqual(['__proto__', 'héllo wörld ✓']);
  });
});

describe('safetensors and Tensors', () => {
  it('writes Tensors (and NDArrays) alike, and reads Tensors back', () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const bytes = encodeSafetensors({ w, b: array([5, 6]) });
    expect([...bytes]).toEqual([
      ...encodeSafetensors({
        w: array([
          [1, 2],
          [3, 4],
        ]),
        b: array([5, 6]),
      }),
    ]);
    const back = decodeSafetensors(bytes).tensors;
    expect(back.get('w')).toBeInstanceOf(Tensor);
    expect(back.get('w')!.requiresGrad).toBe(false);
    expect(back.get('w')!.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe('safetensors writer validation', () => {
  it('refuses values that are not tensors, the reserved name, and non-string metadata', () => {
    const bad = { a: zeros([1]), b: [1, 2] } as unknown as Record<string, NDArray>;
    expect(() => encodeSafetensors(bad)).toThrow(/tensor "b" is not a Tensor or an NDArray \(got Array\)/);
    expect(() => encodeSafetensors({ __metadata__: zeros([1]) })).toThrow(CheckpointError);
    expect(() => encodeSafetensors({}, { n: 3 } as unknown as Record<string, string>)).toThrow(/"n" must be a string/);
  });
});
