/**
 * `chainrule export <checkpoint> --format onnx <out.onnx>`: the file ONNX Runtime runs at any batch
 * size gives the checkpoint's outputs (float32, to 1e-5), for our checkpoints and plain state dicts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, noGrad, randn } from '@chainrule/autograd';
import { saveSafetensors } from '@chainrule/nn';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { saveModel } from '../src/model/checkpoint.js';
import { Mlp } from '../src/model/mlp.js';
import { run, tempDir } from './helpers/capture.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const arch = {
  inputs: 784,
  hidden: [20, 12],
  classes: 10,
  activation: 'relu',
  output: 'sigmoid',
  dropout: 0.2,
} as const;
const net = new Mlp({ ...arch, hidden: [...arch.hidden] }, 5);
const checkpoint = join(dir, 'net.safetensors');
saveModel(checkpoint, net);

async function ortRun(path: string, x: Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(readFileSync(path));
  expect(session.inputNames).toEqual(['input']);
  const feeds = { input: new ort.Tensor('float32', x.value.contiguous().data as Float32Array, [...x.shape]) };
  return (await session.run(feeds)).output!.data as Float32Array;
}

describe('chainrule export', () => {
  it('writes an ONNX file whose outputs equal the checkpoint forward at batch 3', async () => {
    const out = join(dir, 'net.onnx');
    const r = await run(['export', checkpoint, '--format', 'onnx', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`onnx:       ${out} (opset 17, input [batch, 784])`);
    const x = randn([3, 784]);
    const want = noGrad(() => net.eval().forward(x)).value.contiguous().data;
    const got = await ortRun(out, x);
    expect(got.length).toBe(30);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('exports a plain state dict read with the architecture flags', async () => {
    const plain = join(dir, 'plain.safetensors');
    const sd = net.stateDict();
    saveSafetensors(plain, {
      '0.weight': sd.get('fc1.weight')!,
      '0.bias': sd.get('fc1.bias')!,
      '2.weight': sd.get('fc2.weight')!,
      '2.bias': sd.get('fc2.bias')!,
      '4.weight': sd.get('fc3.weight')!,
      '4.bias': sd.get('fc3.bias')!,
    });
    const out = join(dir, 'plain.onnx');
    const flags = ['--hidden', '20,12', '--activation', 'relu', '--loss', 'mse', '--opset', '18'];
    const r = await run(['export', plain, '--format', 'onnx', out, ...flags]);
    expect(r.code).toBe(0);
    const x = randn([2, 784]);
    const want = noGrad(() => net.eval().forward(x)).value.contiguous().data;
    const got = await ortRun(out, x);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('refuses another format and a missing output path, writing nothing', async () => {
    const bad = await run(['export', checkpoint, '--format', 'tflite', join(dir, 'x.tflite')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^chainrule export: .*--format.*onnx/);
    const missing = await run(['export', checkpoint]);
    expect(missing.code).toBe(2);
    const before = readFileSync(checkpoint);
    const itself = await run(['export', checkpoint, '--format', 'onnx', checkpoint]);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toBe(`chainrule export: the output ${checkpoint} is the checkpoint itself\n`);
    expect(readFileSync(checkpoint)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('x.'))).toEqual([]);
    expect(existsSync(join(dir, 'x.tflite'))).toBe(false);
  });

  it('has help', async () => {
    const r = await run(['export', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chainrule export <checkpoint> --format onnx <out.onnx>');
  });
});
