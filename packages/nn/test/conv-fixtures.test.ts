// Convolution, pooling, resizing and 2-D normalization layers against PyTorch (float64): each case
// loads PyTorch's state dict by its keys, then compares the output, the input and parameter
// gradients of sum(out · upstream) and the state dict after the forward pass (running statistics) to
// 1e-10; chainrule's state-dict keys must equal PyTorch's, in order.
// Regenerate the fixture: .venv/bin/python scripts/fixtures/conv.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@chainrule/autograd';
import type { NestedArray } from '@chainrule/tensor';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  GroupNorm,
  InstanceNorm2d,
  MaxPool1d,
  MaxPool2d,
  type Module,
  Upsample,
} from '@chainrule/nn';
import { expectClose } from './helpers.js';

interface Case {
  name: string;
  layer: string;
  args: unknown[];
  options: Record<string, unknown>;
  train: boolean;
  input: NestedArray;
  state: Record<string, NestedArray>;
  keys: string[];
  out: NestedArray;
  upstream: NestedArray;
  grads: Record<string, NestedArray>;
  stateAfter: Record<string, NestedArray>;
}
interface Fixture {
  torch: string;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/conv.json', import.meta.url), 'utf8')) as Fixture;

type Ctor = new (...args: never[]) => Module & { forward(x: Tensor): Tensor };
/** The layers, and whether each takes a dtype (it has parameters or buffers). */
const LAYERS: Record<string, [Ctor, boolean]> = {
  Conv1d: [Conv1d as unknown as Ctor, true],
  Conv2d: [Conv2d as unknown as Ctor, true],
  ConvTranspose1d: [ConvTranspose1d as unknown as Ctor, true],
  ConvTranspose2d: [ConvTranspose2d as unknown as Ctor, true],
  MaxPool1d: [MaxPool1d as unknown as Ctor, false],
  MaxPool2d: [MaxPool2d as unknown as Ctor, false],
  AvgPool1d: [AvgPool1d as unknown as Ctor, false],
  AvgPool2d: [AvgPool2d as unknown as Ctor, false],
  AdaptiveAvgPool2d: [AdaptiveAvgPool2d as unknown as Ctor, false],
  AdaptiveMaxPool2d: [AdaptiveMaxPool2d as unknown as Ctor, false],
  Upsample: [Upsample as unknown as Ctor, false],
  BatchNorm2d: [BatchNorm2d as unknown as Ctor, true],
  GroupNorm: [GroupNorm as unknown as Ctor, true],
  InstanceNorm2d: [InstanceNorm2d as unknown as Ctor, true],
};

function build(c: Case): Module & { forward(x: Tensor): Tensor } {
  const [ctor, typed] = LAYERS[c.layer]!;
  const options = typed ? { ...c.options, dtype: 'float64' } : c.options;
  // Adaptive pools take only the output size; Upsample only its options
  const args = c.layer.startsWith('Adaptive') ? c.args : [...c.args, options];
  return new ctor(...(args as never[]));
}

describe(`conv, pooling, resizing and normalization layers match PyTorch ${fixture.torch}`, () => {
  it('covers every layer of the family', () => {
    expect(new Set(fixture.cases.map((c) => c.layer))).toEqual(new Set(Object.keys(LAYERS)));
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const layer = build(c);
      const own = layer.stateDict();
      expect([...own.keys()]).toEqual(c.keys);
      const dict = new Map(c.keys.map((k) => [k, tensor(c.state[k]!, { dtype: own.get(k)!.dtype })]));
      layer.loadStateDict(dict);
      if (c.train) layer.train();
      else layer.eval();
      const x = tensor(c.input, { dtype: 'float64', requiresGrad: true });
      const out = layer.forward(x);
      expect(out.shape).toEqual(tensor(c.out).shape);
      expectClose(out.toArray(), c.out, 1e-10);
      out
        .mul(tensor(c.upstream, { dtype: 'float64' }))
        .sum()
        .backward();
      expectClose(x.grad!.toArray(), c.grads.input, 1e-10);
      const params = new Map(layer.namedParameters());
      expect(new Set([...params.keys(), 'input'])).toEqual(new Set(Object.keys(c.grads)));
      for (const [name, p] of params) expectClose(p.grad!.toArray(), c.grads[name], 1e-10);
      for (const [name, v] of layer.stateDict()) expectClose(v.toArray(), c.stateAfter[name], 1e-10);
    });
  }
});
