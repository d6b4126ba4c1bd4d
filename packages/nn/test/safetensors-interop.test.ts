// Safetensors files from Hugging Face's `safetensors` library and PyTorch, read without Python.
// The fixtures come from scripts/fixtures/safetensors_files.py
// (regenerate: .venv/bin/python scripts/fixtures/safetensors_files.py).
// The last test writes with chainrule and reads with the `safetensors` library, live, when a
// Python with it is found (else it reports itself skipped, with the reason).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@chainrule/autograd';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findPython, runPython } from '../../../tooling/python.js';
import {
  Adam,
  BatchNorm1d,
  CheckpointError,
  LSTM,
  decodeCheckpoint,
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
  saveSafetensors,
} from '../src/index.js';

const dir = new URL('./fixtures/safetensors/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
type Described = Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>;
const described = JSON.parse(readFileSync(new URL('dtypes.json', dir), 'utf8')) as Described;
const models = JSON.parse(readFileSync(new URL('models.json', dir), 'utf8')) as Record<
  string,
  { input: unknown; output: unknown }
>;
const number = (v: number | string) =>
  typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity;
const work = mkdtempSync(join(tmpdir(), 'chainrule-interop-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('safetensors written by the safetensors library', () => {
  const { tensors, dtypes } = decodeSafetensors(read('dtypes.safetensors'));
  const held: Record<string, string> = { float64: 'float64', float32: 'float32', bool: 'bool' };

  for (const [name, d] of Object.entries(described)) {
    it(`reads ${name} (${d.dtype}) value for value`, () => {
      const t = tensors.get(name)!;
      expect(t.shape).toEqual(d.shape);
      const dtype = d.dtype.startsWith('float') || d.dtype.startsWith('bfloat') ? 'float32' : 'int32';
      expect(t.dtype).toBe(held[d.dtype] ?? (d.dtype === 'bool' ? 'bool' : dtype));
      const got = (t.toArray() as unknown as number[]).flat(4) as (number | boolean)[];
      const want = d.values.map(number);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(Object.is(Number(got[i]), want[i]), `${name}[${i}]`).toBe(true);
    });
  }

  it('knows each tensor`s dtype in the file', () => {
    expect(Object.fromEntries(dtypes)).toMatchObject({ f16: 'F16', bf16: 'BF16', i64: 'I64', u8: 'U8', f64: 'F64' });
    expect(dtypes.get('f8_e4m3')).toBe('F8_E4M3');
  });
});

describe('PyTorch checkpoints', () => {
  it('loads a BatchNorm1d state dict with an int64 num_batches_tracked and matches its output', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    bn.eval();
    loadCheckpoint(new URL('batchnorm.safetensors', dir).pathname, bn, undefined, { cast: 'allow' });
    expect(bn.numBatchesTracked!.item()).toBe(2);
    const out = bn.forward(tensor(models.batchnorm!.input as number[][], { dtype: 'float64' }));
    const want = (models.batchnorm!.output as number[][]).flat();
    for (const [i, v] of (out.toArray() as number[][]).flat().entries()) expect(v).toBeCloseTo(want[i]!, 12);
  });

  it('loads a 2-layer LSTM state dict and matches its output', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, dtype: 'float64' });
    decodeCheckpoint(read('lstm.safetensors'), lstm);
    const [out] = lstm.forward(tensor(models.lstm!.input as number[][][], { dtype: 'float64' }));
    const want = (models.lstm!.output as number[][][]).flat(2);
    for (const [i, v] of (out.toArray() as number[][][]).flat(2).entries()) expect(v).toBeCloseTo(want[i]!, 12);
  });

  it('says what it cast by default, casts quietly with allow, and refuses with error', () => {
    const bytes = read('batchnorm.safetensors');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      decodeCheckpoint(bytes, new BatchNorm1d(3)); // float64 file into a float32 model
      expect(warn).toHaveBeenCalledTimes(1);
      const said = String(warn.mock.calls[0]![0]);
      expect(said).toMatch(/^decodeCheckpoint: cast 4 tensor\(s\) to the model's dtypes: /);
      expect(said).toContain('weight (F64 → float32)');
      expect(said).not.toContain('num_batches_tracked'); // I64 → int32 was range-checked: lossless, not said
      decodeCheckpoint(bytes, new BatchNorm1d(3), undefined, { cast: 'allow' });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
    const strict = new BatchNorm1d(3, { dtype: 'float64' });
    const before = strict.runningMean!.toArray();
    expect(() => decodeCheckpoint(bytes, strict, undefined, { cast: 'error' })).toThrow(
      /"num_batches_tracked" is I64 in the file but int32 in the model \(cast: 'error'; nothing was loaded\)/,
    );
    expect(strict.runningMean!.toArray()).toEqual(before);
  });

  it('never casts a float into an integer buffer', () => {
    const bn = new BatchNorm1d(3);
    const bytes = encodeSafetensors({ ...Object.fromEntries(bn.stateDict()), num_batches_tracked: tensor(1.5) });
    expect(() => decodeCheckpoint(bytes, bn, undefined, { cast: 'allow' })).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(bytes, bn, undefined, { cast: 'allow' })).toThrow(/does not cast floats to integers/);
  });
});

describe('what chainrule writes', () => {
  it('writes num_batches_tracked as I64, as PyTorch does, and reads it back', () => {
    const bn = new BatchNorm1d(3);
    bn.forward(
      tensor([
        [1, 2, 3],
        [4, 5, 7],
      ]),
    );
    const bytes = encodeSafetensors(bn.stateDict());
    const decoded = decodeSafetensors(bytes);
    expect(decoded.dtypes.get('num_batches_tracked')).toBe('I64');
    expect(decoded.tensors.get('num_batches_tracked')!.item()).toBe(1);
    expect(encodeSafetensors({ n: tensor([-3], { dtype: 'int32' }) }, undefined, { int64: () => true })).toEqual(
      encodeSafetensors({ n: tensor([-3], { dtype: 'int32' }) }, undefined, { int64: (k) => k === 'n' }),
    );
    const back = decodeSafetensors(
      encodeSafetensors({ n: tensor([-3, 7], { dtype: 'int32' }) }, undefined, { int64: () => true }),
    );
    expect(back.dtypes.get('n')).toBe('I64');
    expect(back.tensors.get('n')!.toArray()).toEqual([-3, 7]);
  });

  const py = findPython(['safetensors', 'torch']);
  it.skipIf(py.python === null)(
    `is read by the safetensors library${py.python === null ? ` (skipped: ${py.reason})` : ''}`,
    () => {
      const path = join(work, 'from-chainrule.safetensors');
      const bn = new BatchNorm1d(2);
      bn.forward(
        tensor([
          [1, 2],
          [3, 5],
        ]),
      );
      saveSafetensors(
        path,
        { ...Object.fromEntries(bn.stateDict()), flag: tensor([true, false]) },
        { who: 'chainrule' },
      );
      const out = runPython(
        py.python!,
        [
          'import sys, json, torch',
          'from safetensors import safe_open',
          'from safetensors.torch import load_file',
          't = load_file(sys.argv[1])',
          "m = safe_open(sys.argv[1], 'pt').metadata()",
          "bn = torch.nn.BatchNorm1d(2); bn.load_state_dict({k: v for k, v in t.items() if k != 'flag'})",
          "print(json.dumps({k: [str(v.dtype), v.tolist()] for k, v in t.items()} | {'meta': m}))",
        ].join('\n'),
        [path],
      );
      const got = JSON.parse(out) as Record<string, [string, unknown]>;
      expect(got.num_batches_tracked).toEqual(['torch.int64', 1]);
      expect(got.flag).toEqual(['torch.bool', [true, false]]);
      expect(got.running_mean![0]).toBe('torch.float32');
      expect(got.meta).toEqual({ who: 'chainrule' });
      const cp = join(work, 'checkpoint.safetensors');
      // a checkpoint saved with its optimizer is still a plain state dict for PyTorch's strict load
      const adam = new Adam(bn.parameters());
      saveCheckpoint(cp, bn, adam);
      const strict = [
        'import sys, torch',
        'from safetensors.torch import load_file',
        'bn = torch.nn.BatchNorm1d(2)',
        'print(bn.load_state_dict(load_file(sys.argv[1]), strict=True))',
      ].join('\n');
      expect(runPython(py.python!, strict, [cp])).toContain('All keys matched successfully');
    },
  );
});
