/**
 * Issue #14, the reverse direction: a chainrule layer's state dict, saved with saveSafetensors,
 * loads into the PyTorch layer (written by hand here, not by the generator) with
 * `load_state_dict(strict=True)` and gives the same output on the same input (float64, 1e-10),
 * for every nn layer family. One Python process runs every layer. Needs Python with torch and
 * safetensors (tooling/python.ts); without it the test reports itself skipped with the reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, randint, randn } from '@chainrule/autograd';
import {
  type AnyModule,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  GRU,
  GroupNorm,
  InstanceNorm2d,
  LSTM,
  LayerNorm,
  Linear,
  MultiheadAttention,
  TransformerEncoderLayer,
  loadSafetensors,
  saveSafetensors,
} from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { describe, expect, it } from 'vitest';
import { findPython } from '../../../tooling/python.js';
import { maxDiff, run, tempDir } from './harness.js';

const py = findPython(['torch', 'safetensors']);
const skip = py.python === null ? ` (skipped: ${py.reason})` : '';
const dtype = 'float64' as const;
const rng = new Rng(11);
const x = (...shape: number[]) => randn(shape, { dtype, rng });

/** How the layer is called: on x, on (x, x, x) (attention), and whether it returns a tuple. */
type Call = 'x' | 'xxx';
interface Case {
  layer: AnyModule;
  torch: string;
  input: Tensor;
  call?: Call;
  tuple?: boolean;
}

const CASES: Record<string, () => Case> = {
  linear: () => ({ layer: new Linear(5, 3, { rng, dtype }), torch: 'nn.Linear(5, 3)', input: x(4, 5) }),
  conv1dGroups: () => ({
    layer: new Conv1d(4, 6, 3, { groups: 2, stride: 2, padding: 1, rng, dtype }),
    torch: 'nn.Conv1d(4, 6, 3, groups=2, stride=2, padding=1)',
    input: x(2, 4, 9),
  }),
  conv2dGroups: () => ({
    layer: new Conv2d(4, 6, [3, 2], { groups: 2, padding: 1, dilation: [2, 1], rng, dtype }),
    torch: 'nn.Conv2d(4, 6, (3, 2), groups=2, padding=1, dilation=(2, 1))',
    input: x(2, 4, 7, 6),
  }),
  convTranspose2d: () => ({
    layer: new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, rng, dtype }),
    torch: 'nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)',
    input: x(2, 4, 5, 5),
  }),
  batchNorm2d: () => {
    const bn = new BatchNorm2d(3, { dtype });
    bn.forward(x(4, 3, 5, 5).mul(2).add(1)); // running statistics away from 0 and 1
    bn.forward(x(4, 3, 5, 5));
    return { layer: bn, torch: 'nn.BatchNorm2d(3)', input: x(2, 3, 4, 4) };
  },
  groupNorm: () => ({ layer: new GroupNorm(2, 4, { dtype }), torch: 'nn.GroupNorm(2, 4)', input: x(3, 4, 3, 3) }),
  instanceNorm2d: () => ({
    layer: new InstanceNorm2d(3, { affine: true, dtype }),
    torch: 'nn.InstanceNorm2d(3, affine=True)',
    input: x(2, 3, 4, 4),
  }),
  layerNorm: () => ({ layer: new LayerNorm([4, 5], { dtype }), torch: 'nn.LayerNorm((4, 5))', input: x(3, 4, 5) }),
  embedding: () => ({
    layer: new Embedding(10, 4, { paddingIdx: 0, rng, dtype }),
    torch: 'nn.Embedding(10, 4, padding_idx=0)',
    input: randint(0, 10, [3, 5], { rng }),
  }),
  lstm: () => ({
    layer: new LSTM(4, 5, { numLayers: 2, batchFirst: true, rng, dtype }),
    torch: 'nn.LSTM(4, 5, num_layers=2, batch_first=True)',
    input: x(3, 6, 4),
    tuple: true,
  }),
  gru: () => ({ layer: new GRU(4, 5, { rng, dtype }), torch: 'nn.GRU(4, 5)', input: x(6, 3, 4), tuple: true }),
  multiheadAttention: () => ({
    layer: new MultiheadAttention(8, 2, { batchFirst: true, rng, dtype }),
    torch: 'nn.MultiheadAttention(8, 2, batch_first=True)',
    input: x(2, 5, 8),
    call: 'xxx',
    tuple: true,
  }),
  transformerEncoderLayer: () => ({
    layer: new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: 'gelu', rng, dtype }),
    torch: 'nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu")',
    input: x(5, 2, 8),
  }),
};

// one process for every layer: strict load, eval mode, the output of each
const LOAD_ALL = `
import json, sys
import torch
from torch import nn
from safetensors.torch import load_file, save_file
d = sys.argv[1]
out = {}
for name, c in json.load(open(d + "/cases.json")).items():
    m = eval(c["torch"]).to(torch.float64)
    m.load_state_dict(load_file(f"{d}/{name}.safetensors"), strict=True)
    m.eval()
    x = load_file(f"{d}/{name}.in.safetensors")["x"]
    x = x if x.is_floating_point() else x.long()
    with torch.no_grad():
        y = m(x, x, x) if c["call"] == "xxx" else m(x)
    out[name] = (y[0] if c["tuple"] else y).contiguous()
save_file(out, d + "/out.safetensors")
`;

describe(`#14 reverse: chainrule state dicts load into PyTorch layers (strict) and agree${skip}`, () => {
  it.skipIf(py.python === null)(`every layer family: ${Object.keys(CASES).join(', ')}`, () => {
    const dir = tempDir('reverse');
    const cases = Object.entries(CASES).map(([name, make]) => [name, make()] as const);
    const manifest: Record<string, { torch: string; call: Call; tuple: boolean }> = {};
    for (const [name, c] of cases) {
      saveSafetensors(join(dir, `${name}.safetensors`), c.layer.stateDict());
      saveSafetensors(join(dir, `${name}.in.safetensors`), { x: c.input });
      manifest[name] = { torch: c.torch, call: c.call ?? 'x', tuple: c.tuple ?? false };
    }
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(manifest));
    run(py.python!, dir, ['-c', LOAD_ALL, dir]);
    const torchOut = loadSafetensors(join(dir, 'out.safetensors')).tensors;
    for (const [name, c] of cases) {
      c.layer.eval();
      const forward = c.layer.forward as unknown as (...xs: Tensor[]) => Tensor | [Tensor, unknown];
      const args = c.call === 'xxx' ? [c.input, c.input, c.input] : [c.input];
      const got = forward.apply(c.layer, args);
      const y = Array.isArray(got) ? got[0] : got;
      expect(maxDiff(y, torchOut.get(name)!), name).toBeLessThan(1e-10);
    }
  });
});
