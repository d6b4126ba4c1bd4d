/**
 * train.py under `torchrun --nproc_per_node 2` (gloo, CPU, localhost) lands on the same weights as
 * one process, and one process lands on the weights chainrule's own training loop reaches with the
 * same loss, optimizer and batches (float64, 1e-10). Needs Python with torch and safetensors
 * (tooling/python.ts); without it the test reports itself skipped with the reason.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randn, randint, slice } from '@chainrule/autograd';
import { Linear, SGD, Sequential, Tanh, crossEntropy, loadSafetensors, saveSafetensors } from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python.js';
import { toPyTorch } from '../src/index.js';
import { maxDiff, run, tempDir } from './harness.js';

const py = findPython(['torch', 'safetensors']);
const skip = py.python === null ? ` (skipped: ${py.reason})` : '';
const dtype = 'float64' as const;

describe(`train.py with DistributedDataParallel${skip}`, () => {
  it.skipIf(py.python === null)('2 gloo processes, 1 process and chainrule take the same 3 steps', () => {
    const python = py.python!;
    const rng = new Rng(5);
    const model = new Sequential(new Linear(6, 10, { rng, dtype }), new Tanh(), new Linear(10, 3, { rng, dtype }));
    const optimizer = new SGD(model.parameters(), { lr: 0.3, momentum: 0.9, weightDecay: 1e-3, nesterov: true });
    const dir = tempDir('ddp');
    toPyTorch(model, dir, { loss: 'crossEntropy', optimizer });
    const x = randn([16, 6], { dtype, rng });
    const y = randint(0, 3, [16], { rng });
    saveSafetensors(join(dir, 'data.safetensors'), { x, y });

    // the commands of the README's "PyTorch DDP"
    const torchrun = join(dirname(python), 'torchrun');
    const launcher = existsSync(torchrun) ? [torchrun] : [python, '-m', 'torch.distributed.run'];
    const common = ['--data', 'data.safetensors', '--batch-size', '8', '--epochs', '2', '--steps', '3'];
    run(python, dir, ['train.py', ...common, '--out', 'one.safetensors']);
    const [cmd, ...pre] = launcher as [string, ...string[]];
    const two = ['--standalone', '--nproc_per_node', '2', 'train.py', ...common, '--out', 'two.safetensors'];
    run(cmd, dir, [...pre, ...two]);

    // chainrule: the same 3 batches (two of epoch 0, the first of epoch 1)
    for (const start of [0, 8, 0]) {
      optimizer.zeroGrad();
      crossEntropy(model.forward(slice(x, 0, start, start + 8)), slice(y, 0, start, start + 8)).backward();
      optimizer.step();
    }
    const one = loadSafetensors(join(dir, 'one.safetensors')).tensors;
    const twoW = loadSafetensors(join(dir, 'two.safetensors')).tensors;
    const initial = loadSafetensors(join(dir, 'weights.safetensors')).tensors;
    for (const [key, p] of model.namedParameters()) {
      expect(maxDiff(one.get(key)!, twoW.get(key)!), `${key}: 2 processes vs 1`).toBeLessThan(1e-10);
      expect(maxDiff(p, one.get(key)!), `${key}: chainrule vs PyTorch`).toBeLessThan(1e-10);
      expect(maxDiff(p, initial.get(key)!), `${key} moved`).toBeGreaterThan(1e-3);
    }
    // the trained weights come back into chainrule (strict: same keys and shapes)
    model.loadStateDict(twoW);
    expect(maxDiff(model.namedParameters()[0]![1], twoW.get('0.weight')!)).toBe(0);
  });
});
