/**
 * eval and predict on a plain PyTorch state dict: no chainrule metadata, layers named as an
 * `nn.Sequential` names them (`0.weight`, `2.weight`), float64, read with the architecture flags.
 */
import { join } from 'node:path';
import { Tensor } from '@chainrule/autograd';
import { encodeSafetensors, saveSafetensors } from '@chainrule/nn';
import { cast } from '@chainrule/tensor';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { saveModel } from '../src/model/checkpoint.js';
import { Mlp } from '../src/model/mlp.js';
import { run, tempDir } from './helpers/capture.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const arch = { inputs: 784, hidden: [16], classes: 10, activation: 'tanh', output: 'logits', dropout: 0 } as const;
const net = new Mlp({ ...arch, hidden: [...arch.hidden] }, 3);
const ours = join(dir, 'ours.safetensors');
saveModel(ours, net);
const plain = join(dir, 'plain.safetensors');
const sd = net.stateDict();
const f64 = (k: string) => new Tensor(cast(sd.get(k)!.value, 'float64'));
saveSafetensors(plain, {
  '0.weight': f64('fc1.weight'),
  '0.bias': f64('fc1.bias'),
  '2.weight': f64('fc2.weight'),
  '2.bias': f64('fc2.bias'),
});

const accuracy = (stdout: string) => /accuracy:\s+([0-9.]+%)/.exec(stdout)?.[1];

describe('a plain PyTorch state dict', () => {
  it('evaluates with --activation and --loss exactly as the same weights in a chainrule checkpoint', async () => {
    const a = await run(['eval', ours]);
    const b = await run(['eval', plain, '--activation', 'tanh', '--loss', 'ce', '--hidden', '16']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('model:      784-16-10, tanh hidden units, logits outputs');
    expect(accuracy(b.stdout)).toBeDefined();
    expect(accuracy(b.stdout)).toBe(accuracy(a.stdout));
  });

  it('predicts with the same probabilities', async () => {
    const a = await run(['predict', ours, '7']);
    const b = await run(['predict', plain, '7', '--activation', 'tanh', '--loss', 'ce']);
    expect(b.code).toBe(0);
    expect(b.stdout.split('\n').slice(-12)).toEqual(a.stdout.split('\n').slice(-12));
  });

  it.each([
    [
      ['eval', plain],
      /has no chainrule architecture in its metadata .*plain PyTorch state dict, give --activation and --loss/,
    ],
    [['eval', plain, '--activation', 'tanh'], /give --activation and --loss/],
    [
      ['eval', plain, '--activation', 'tanh', '--loss', 'ce', '--hidden', '30'],
      /hidden sizes 16, but --hidden says 30/,
    ],
    [['eval', ours, '--activation', 'relu'], /has its architecture in its metadata; --activation, --loss and --hidden/],
  ])('%j is one line with exit code 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses tensors that are not linear layers, naming them', async () => {
    const odd = join(dir, 'odd.safetensors');
    writeFileSync(
      odd,
      encodeSafetensors({ '0.weight': f64('fc1.weight'), '0.bias': f64('fc1.bias'), 'emb.table': f64('fc2.bias') }),
    );
    const r = await run(['eval', odd, '--activation', 'tanh', '--loss', 'ce']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("holds 'emb.table', which is not a linear layer's weight or bias");
  });
});
