/**
 * `chainrule export <checkpoint> --format pytorch <dir>`: model.py + weights.safetensors give the
 * checkpoint's outputs in PyTorch (float32, 1e-5), and train.py runs one step with the checkpoint's
 * loss and optimizer. The PyTorch runs need Python with torch and safetensors (tooling/python.ts);
 * without it they report themselves skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad, randint, randn } from '@chainrule/autograd';
import { loadSafetensors, saveSafetensors } from '@chainrule/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python.js';
import { saveModel } from '../src/model/checkpoint.js';
import { Mlp } from '../src/model/mlp.js';
import { run, tempDir } from './helpers/capture.js';

const py = findPython(['torch', 'safetensors']);
const skip = py.python === null ? ` (skipped: ${py.reason})` : '';
const { dir, cleanup } = tempDir();
afterAll(cleanup);
const arch = { inputs: 12, hidden: [8, 6], classes: 4, activation: 'elu', output: 'sigmoid', dropout: 0.25 } as const;
const net = new Mlp({ ...arch, hidden: [...arch.hidden] }, 3);
const checkpoint = join(dir, 'net.safetensors');
saveModel(checkpoint, net, { loss: 'mse', optimizer: 'nesterov', lr: '0.3' });

const CHECK = `
import sys
import torch
from safetensors.torch import load_file, save_file
sys.path.insert(0, sys.argv[1])
from model import load_model
model = load_model(sys.argv[1] + "/weights.safetensors").eval()
with torch.no_grad():
    save_file({"out": model(load_file(sys.argv[2])["x"])}, sys.argv[3])
`;

describe('chainrule export --format pytorch', () => {
  it("writes model.py, weights.safetensors and train.py with the checkpoint's loss and optimizer", async () => {
    const out = join(dir, 'torch');
    const r = await run(['export', checkpoint, '--format', 'pytorch', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pytorch:    ${out}/model.py, ${out}/weights.safetensors, ${out}/train.py`);
    const train = readFileSync(join(out, 'train.py'), 'utf8');
    expect(train).toContain('torch.optim.SGD(params, lr=0.3, momentum=0.9, dampening=0, weight_decay=0, nesterov=True');
    expect(train).toContain('0.5 * (out - y).pow(2).sum() / out.shape[0]');
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toContain('h = F.dropout(h, 0.25, self.training)');
  });

  it('refuses an optimizer train.py cannot write, naming it', async () => {
    const rms = join(dir, 'rms.safetensors');
    saveModel(rms, net, { loss: 'ce', optimizer: 'rmsprop', lr: '0.001' });
    const r = await run(['export', rms, '--format', 'pytorch', join(dir, 'rms')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/RMSprop/);
  });

  it.skipIf(py.python === null)(`PyTorch gives the checkpoint's outputs and train.py takes a step${skip}`, async () => {
    const out = join(dir, 'torch-live');
    expect((await run(['export', checkpoint, '--format', 'pytorch', out])).code).toBe(0);
    const x = randn([5, 12]);
    saveSafetensors(join(out, 'x.safetensors'), { x });
    const check = spawnSync(py.python!, ['-c', CHECK, out, join(out, 'x.safetensors'), join(out, 'y.safetensors')], {
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    const want = noGrad(() => net.eval().forward(x)).value.contiguous().data;
    const got = loadSafetensors(join(out, 'y.safetensors')).tensors.get('out')!.value.contiguous().data;
    expect(got.length).toBe(20);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);

    saveSafetensors(join(out, 'data.safetensors'), { x: randn([8, 12]), y: randint(0, 4, [8]) });
    const args = [
      'train.py',
      '--data',
      'data.safetensors',
      '--batch-size',
      '4',
      '--steps',
      '1',
      '--out',
      'w.safetensors',
    ];
    const train = spawnSync(py.python!, args, { cwd: out, encoding: 'utf8' });
    expect(train.status, train.stderr).toBe(0);
    expect(train.stdout).toContain('1 steps on 1 process(es): wrote w.safetensors');
    const moved = loadSafetensors(join(out, 'w.safetensors')).tensors.get('fc1.weight')!;
    expect(moved.sub(net.layers[0]!.weight).abs().max().item()).toBeGreaterThan(0);
  });
});
