// The bad-input catalogue of serialization: malformed safetensors bytes (their rows are in
// serialization-rows.ts), bad paths and mismatched checkpoints. Each row names the error class
// (exactly), a fragment of the message, for a CheckpointError its problem, and checks that nothing
// changed: the input bytes, every file in the folder (names and contents: no temporary file left
// behind), the model's tensors and the optimizer's state.
import { tensor } from '@chainrule/autograd';
import { type NDArray, RangeError, Rng, array, zeros } from '@chainrule/tensor';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Adam,
  CheckpointError,
  Linear,
  SGD,
  Sequential,
  StateDictError,
  crossEntropy,
  decodeCheckpoint,
  decodeSafetensors,
  encodeCheckpoint,
  encodeSafetensors,
  loadCheckpoint,
  loadSafetensors,
  saveCheckpoint,
  saveSafetensors,
} from '../src/index.js';

import { type Row, type World, malformed } from './serialization-rows.js';

const paths: Row[] = [
  [
    'save under a regular file',
    (w) => saveSafetensors(join(w.regular, 'x.safetensors'), { a: zeros([2]) }),
    CheckpointError,
    'ENOTDIR',
    'io',
  ],
  [
    'save into a missing folder',
    (w) => saveSafetensors(join(w.dir, 'no', 'x.safetensors'), { a: zeros([2]) }),
    CheckpointError,
    'ENOENT',
    'io',
  ],
  [
    'save over a folder',
    (w) => saveSafetensors(join(w.dir, 'sub'), { a: zeros([2]) }),
    CheckpointError,
    `could not write`,
    'io',
  ],
  [
    'save to an empty path',
    () => saveSafetensors('', { a: zeros([2]) }),
    CheckpointError,
    'the path must be a non-empty string',
    'input',
  ],
  [
    'save to a number',
    () => saveSafetensors(3 as unknown as string, { a: zeros([2]) }),
    CheckpointError,
    'got number',
    'input',
  ],
  [
    'save to a path with a NUL byte',
    (w) => saveSafetensors(join(w.dir, 'a\0b'), { a: zeros([2]) }),
    CheckpointError,
    'null bytes',
    'input',
  ],
  [
    'save a tensor named __metadata__',
    (w) => saveSafetensors(w.existing, { __metadata__: zeros([1]) }),
    CheckpointError,
    'reserved for metadata',
    'encode',
  ],
  [
    'save a string as a tensor',
    (w) => saveSafetensors(w.existing, { a: 'x' as unknown as NDArray }),
    CheckpointError,
    'not a Tensor or an NDArray (got string)',
    'encode',
  ],
  [
    'save a number as metadata',
    (w) => saveSafetensors(w.existing, { a: zeros([1]) }, { e: 3 as unknown as string }),
    CheckpointError,
    'metadata "e" must be a string',
    'encode',
  ],
  [
    'save null tensors',
    (w) => saveSafetensors(w.existing, null as never),
    CheckpointError,
    'must be a record or a Map',
    'encode',
  ],
  [
    'load a missing file',
    (w) => loadSafetensors(join(w.dir, 'missing.safetensors')),
    CheckpointError,
    'could not read',
    'io',
  ],
  ['load a folder', (w) => loadSafetensors(join(w.dir, 'sub')), CheckpointError, 'EISDIR', 'io'],
  ['load an empty path', () => loadSafetensors(''), CheckpointError, 'the path must be a non-empty string', 'input'],
  [
    'load a text file',
    (w) => loadSafetensors(w.regular),
    CheckpointError,
    'over the 100000000-byte limit',
    'header-too-large',
  ],
  [
    'load a checkpoint from a missing file',
    (w) => loadCheckpoint(join(w.dir, 'none'), w.model),
    CheckpointError,
    'could not read',
    'io',
  ],
  [
    'save a checkpoint with reserved metadata',
    (w) => saveCheckpoint(w.existing, w.model, undefined, { 'chainrule.x': '1' }),
    CheckpointError,
    'reserved "chainrule." prefix',
    'encode',
  ],
  [
    'save a checkpoint under a regular file',
    (w) => saveCheckpoint(join(w.regular, 'c'), w.model, w.sgd),
    CheckpointError,
    'ENOTDIR',
    'io',
  ],
];

const other = () => new Sequential(new Linear(3, 4, { rng: new Rng(5) }), new Linear(4, 2, { rng: new Rng(6) }));
const withMeta = (w: World, meta: Record<string, string>): Uint8Array => {
  const { tensors, metadata } = decodeSafetensors(encodeCheckpoint(w.model, w.adam));
  return encodeSafetensors(tensors, { ...metadata, ...meta });
};

const mismatched: Row[] = [
  [
    'other shapes',
    (w) => decodeCheckpoint(encodeCheckpoint(new Sequential(new Linear(3, 5), new Linear(5, 2))), w.model),
    StateDictError,
    'shape [5,3] in the state dict, [4,3] in the model',
  ],
  [
    'a missing key',
    (w) => decodeCheckpoint(encodeCheckpoint(new Sequential(new Linear(3, 4))), w.model),
    StateDictError,
    'missing key(s): "1.weight", "1.bias"',
  ],
  [
    'an unexpected key',
    (w) =>
      decodeCheckpoint(encodeSafetensors({ ...Object.fromEntries(w.model.stateDict()), extra: zeros([1]) }), w.model),
    StateDictError,
    'unexpected key(s): "extra"',
  ],
  [
    'float64 tensors for float32 parameters with cast: error',
    (w) =>
      decodeCheckpoint(
        encodeSafetensors(Object.fromEntries([...w.model.stateDict()].map(([k, v]) => [k, v.value.cast('float64')]))),
        w.model,
        undefined,
        { cast: 'error' },
      ),
    CheckpointError,
    "is F64 in the file but float32 in the model (cast: 'error'; nothing was loaded)",
  ],
  [
    'bool tensors for float32 parameters',
    (w) =>
      decodeCheckpoint(
        encodeSafetensors(Object.fromEntries([...w.model.stateDict()].map(([k, v]) => [k, v.value.cast('bool')]))),
        w.model,
      ),
    CheckpointError,
    'does not cast to or from bool',
  ],
  [
    'an unknown cast mode',
    (w) => decodeCheckpoint(encodeSafetensors(w.model.stateDict()), w.model, undefined, { cast: 'maybe' as 'allow' }),
    RangeError,
    "cast must be 'warn', 'allow' or 'error', got maybe",
  ],
  [
    'a newer checkpoint format',
    (w) => decodeCheckpoint(withMeta(w, { 'chainrule.format': 'checkpoint/9' }), w.model),
    CheckpointError,
    'unsupported checkpoint format "checkpoint/9"',
    'metadata',
  ],
  [
    'no optimizer state in the file',
    (w) => decodeCheckpoint(encodeCheckpoint(w.model), w.model, w.adam),
    CheckpointError,
    'the checkpoint holds no optimizer state',
    'metadata',
  ],
  [
    'Adam state into SGD',
    (w) => decodeCheckpoint(encodeCheckpoint(w.model, w.adam), w.model, w.sgd),
    CheckpointError,
    'holds Adam state, not SGD',
    'metadata',
  ],
  [
    'optimizer metadata that is not JSON',
    (w) => decodeCheckpoint(withMeta(w, { 'chainrule.optimizer': '{' }), w.model, w.adam),
    CheckpointError,
    'the optimizer metadata is not valid JSON',
    'metadata',
  ],
  [
    'optimizer metadata without scalars',
    (w) =>
      decodeCheckpoint(withMeta(w, { 'chainrule.optimizer': '{"name":"Adam","paramGroups":[]}' }), w.model, w.adam),
    CheckpointError,
    'lacks name, paramGroups or scalars',
    'metadata',
  ],
  [
    'a step that is a string',
    (w) =>
      decodeCheckpoint(
        withMeta(w, { 'chainrule.optimizer': JSON.stringify({ ...optimizerMeta(w), scalars: { 0: { step: 'x' } } }) }),
        w.model,
        w.adam,
      ),
    CheckpointError,
    'scalar "step" of parameter 0 must be a number, got string',
    'metadata',
  ],
  [
    'scalars of a parameter named "a"',
    (w) =>
      decodeCheckpoint(
        withMeta(w, { 'chainrule.optimizer': JSON.stringify({ ...optimizerMeta(w), scalars: { a: { step: 1 } } }) }),
        w.model,
        w.adam,
      ),
    CheckpointError,
    'name parameter "a", expected an index',
    'metadata',
  ],
  [
    'a stray optimizer tensor',
    (w) =>
      decodeCheckpoint(
        encodeSafetensors(
          {
            ...Object.fromEntries(decodeSafetensors(encodeCheckpoint(w.model, w.adam)).tensors),
            'optimizer.x': zeros([1]),
          },
          decodeSafetensors(encodeCheckpoint(w.model, w.adam)).metadata,
        ),
        w.model,
        w.adam,
      ),
    CheckpointError,
    'unexpected optimizer tensor "optimizer.x"',
    'entry',
  ],
  [
    'a truncated checkpoint',
    (w) => decodeCheckpoint(encodeCheckpoint(w.model).subarray(0, 40), w.model),
    CheckpointError,
    'reaches beyond the file',
    'truncated',
  ],
  [
    'a checkpoint into another architecture',
    () => decodeCheckpoint(encodeCheckpoint(other()), new Sequential(new Linear(2, 2))),
    StateDictError,
    'cannot load into Sequential (nothing was loaded)',
  ],
];

function optimizerMeta(w: World): Record<string, unknown> {
  return JSON.parse(decodeSafetensors(encodeCheckpoint(w.model, w.adam)).metadata['chainrule.optimizer']!);
}

/** Every file under `dir`: relative name → bytes (folders as "<dir>"). */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      out[prefix + name] = '<dir>';
      Object.assign(out, tree(full, `${prefix}${name}/`));
    } else out[prefix + name] = readFileSync(full).toString('base64');
  }
  return out;
}

/** The model's tensors and both optimizers' states, as comparable values. */
function state(w: World): unknown {
  const bits = (x: NDArray) => Array.from(new Uint8Array(x.contiguous().data.buffer));
  const opt = (o: SGD | Adam) => {
    const d = o.stateDict();
    return [
      d.paramGroups,
      Object.entries(d.state).map(([k, s]) => [
        k,
        Object.entries(s).map(([n, v]) => [n, typeof v === 'number' ? v : bits(v.value)]),
      ]),
    ];
  };
  return [[...w.model.stateDict()].map(([k, v]) => [k, bits(v.value)]), opt(w.sgd), opt(w.adam)];
}

let world: World;
beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-catalogue-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'keep'), 'x');
  const existing = join(dir, 'model.safetensors');
  saveSafetensors(existing, { w: array([1, 2, 3]) }, { note: 'before' });
  const regular = join(dir, 'notes.txt');
  writeFileSync(regular, 'not a checkpoint, just text that is long enough\n');
  const model = new Sequential(new Linear(3, 4, { rng: new Rng(1) }), new Linear(4, 2, { rng: new Rng(2) }));
  const sgd = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const adam = new Adam(model.parameters(), { lr: 0.01 });
  for (const opt of [sgd, adam]) {
    opt.zeroGrad();
    crossEntropy(model.forward(tensor([[1, 2, 3]])), tensor([1], { dtype: 'int32' })).backward();
    opt.step(); // both have state now
  }
  world = { dir, existing, regular, model, sgd, adam };
});
afterEach(() => rmSync(world.dir, { recursive: true, force: true }));

const sections: [string, Row[]][] = [
  ['malformed safetensors bytes', malformed],
  ['bad paths', paths],
  ['mismatched checkpoints', mismatched],
];

describe('bad-input catalogue of serialization', () => {
  it('has at least 40 rows', () => {
    expect(sections.reduce((n, [, rows]) => n + rows.length, 0)).toBeGreaterThanOrEqual(40);
  });
  for (const [section, rows] of sections) {
    describe(section, () => {
      for (const [name, run, error, fragment, problem] of rows) {
        it(`${name}: ${error.name}${problem === undefined ? '' : ` (${problem})`} "${fragment}"`, () => {
          const files = tree(world.dir);
          const before = state(world);
          let thrown: unknown;
          try {
            run(world);
          } catch (e) {
            thrown = e;
          }
          expect(thrown, 'expected an error').toBeDefined();
          expect((thrown as Error).constructor).toBe(error);
          expect((thrown as Error).message).toContain(fragment);
          if (problem !== undefined) expect((thrown as CheckpointError).problem).toBe(problem);
          expect(tree(world.dir)).toEqual(files);
          expect(state(world)).toEqual(before);
        });
      }
    });
  }
});
