// Attention and transformer layers against PyTorch 2.13 (float64, eval mode, dropout 0):
// outputs, input gradients and parameter gradients to 1e-10, state dicts loaded by PyTorch's keys.
// Regenerate the fixture: .venv/bin/python scripts/fixtures/attention.py
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@chainrule/autograd';
import type { NestedArray } from '@chainrule/tensor';
import {
  LayerNorm,
  type Module,
  MultiheadAttention,
  type MultiheadAttentionForwardOptions,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
  generateSquareSubsequentMask,
  scaledDotProductAttention,
} from '@chainrule/nn';
import { expectClose } from './helpers.js';

type Nested = NestedArray;
interface MaskJson {
  dtype: 'bool' | 'float64';
  value: Nested;
}
interface SdpaCase {
  name: string;
  q: Nested;
  k: Nested;
  v: Nested;
  options: { attnMask?: MaskJson; isCausal?: boolean; scale?: number };
  out: Nested;
  upstream: Nested;
  grads: { q: Nested; k: Nested; v: Nested };
}
interface MhaCase {
  name: string;
  config: { embedDim: number; numHeads: number; kdim?: number; vdim?: number; batchFirst?: boolean; bias?: boolean };
  selfAttention: boolean;
  query: Nested;
  key: Nested;
  value: Nested;
  options: {
    keyPaddingMask?: MaskJson;
    attnMask?: MaskJson;
    needWeights?: boolean;
    averageAttnWeights?: boolean;
  };
  state: Record<string, Nested>;
  out: Nested;
  weights: Nested | null;
  upstream: Nested;
  upstreamWeights: Nested | null;
  grads: Record<string, Nested>;
  paramGrads: Record<string, Nested>;
}
interface LayerCase {
  name: string;
  kind: 'encoderLayer' | 'decoderLayer' | 'encoder' | 'decoder';
  config: TransformerLayerOptions & {
    dModel: number;
    nhead: number;
    numLayers?: number;
    norm?: boolean;
    causalMask?: boolean;
    srcKeyPaddingMask?: Nested;
    memoryKeyPaddingMask?: Nested;
  };
  inputs: Nested[];
  state: Record<string, Nested>;
  out: Nested;
  upstream: Nested;
  grads: Nested[];
  paramGrads: Record<string, Nested>;
}
interface Fixture {
  torch: string;
  sdpa: SdpaCase[];
  mha: MhaCase[];
  layers: LayerCase[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/attention.json', import.meta.url), 'utf8')) as Fixture;
const TOL = 1e-10;
const f64 = (x: Nested, requiresGrad = false): Tensor => tensor(x, { dtype: 'float64', requiresGrad });
const mask = (m: MaskJson | undefined): Tensor | null => (m === undefined ? null : tensor(m.value, { dtype: m.dtype }));
const bool = (x: Nested | undefined): Tensor | null => (x === undefined ? null : tensor(x, { dtype: 'bool' }));

function close(actual: Tensor | null, expected: Nested, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.toArray(), what).toHaveLength((expected as unknown[]).length);
  try {
    expectClose(actual!.toArray(), expected, TOL);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

/** Loads PyTorch's state dict: the key sets must be equal, in PyTorch's order. */
function load(m: Module<never, unknown>, state: Record<string, Nested>): void {
  expect([...m.stateDict().keys()]).toEqual(Object.keys(state));
  m.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, f64(v)])));
  m.eval();
}

function checkParamGrads(m: Module<never, unknown>, grads: Record<string, Nested>): void {
  const params = new Map(m.namedParameters());
  expect([...params.keys()].sort()).toEqual(Object.keys(grads).sort());
  for (const [k, g] of Object.entries(grads)) close(params.get(k)!.grad, g, `gradient of ${k}`);
}

describe(`scaledDotProductAttention against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.sdpa) {
    it(c.name, () => {
      const q = f64(c.q, true),
        k = f64(c.k, true),
        v = f64(c.v, true);
      const out = scaledDotProductAttention(q, k, v, {
        attnMask: mask(c.options.attnMask),
        isCausal: c.options.isCausal ?? false,
        scale: c.options.scale ?? null,
      });
      close(out, c.out, 'output');
      out.mul(f64(c.upstream)).sum().backward();
      close(q.grad, c.grads.q, 'dq');
      close(k.grad, c.grads.k, 'dk');
      close(v.grad, c.grads.v, 'dv');
    });
  }
});

describe('MultiheadAttention against PyTorch', () => {
  for (const c of fixture.mha) {
    it(c.name, () => {
      const { embedDim, numHeads, ...rest } = c.config;
      const m = new MultiheadAttention(embedDim, numHeads, { ...rest, dtype: 'float64' });
      load(m, c.state);
      const query = f64(c.query, true);
      const key = c.selfAttention ? query : f64(c.key, true);
      const value = c.selfAttention ? query : f64(c.value, true);
      const options: MultiheadAttentionForwardOptions = {
        keyPaddingMask: mask(c.options.keyPaddingMask),
        attnMask: mask(c.options.attnMask),
      };
      if (c.options.needWeights !== undefined) options.needWeights = c.options.needWeights;
      if (c.options.averageAttnWeights !== undefined) options.averageAttnWeights = c.options.averageAttnWeights;
      const [out, weights] = m.forward(query, key, value, options);
      close(out, c.out, 'output');
      let loss = out.mul(f64(c.upstream)).sum();
      if (c.weights === null) expect(weights).toBeNull();
      else {
        close(weights, c.weights, 'weights');
        loss = loss.add(weights!.mul(f64(c.upstreamWeights!)).sum());
      }
      loss.backward();
      close(query.grad, c.grads.query!, 'd query');
      if (!c.selfAttention) {
        close(key.grad, c.grads.key!, 'd key');
        close(value.grad, c.grads.value!, 'd value');
      }
      checkParamGrads(m, c.paramGrads);
    });
  }
});

function build(c: LayerCase): Module<never, unknown> {
  const { dModel, nhead, numLayers, norm, causalMask, srcKeyPaddingMask, memoryKeyPaddingMask, ...options } = c.config;
  const layerOptions = { ...options, dropout: 0, dtype: 'float64' as const };
  switch (c.kind) {
    case 'encoderLayer':
      return new TransformerEncoderLayer(dModel, nhead, layerOptions);
    case 'decoderLayer':
      return new TransformerDecoderLayer(dModel, nhead, layerOptions);
    case 'encoder':
      return new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numLayers!, {
        norm: norm ? new LayerNorm(dModel, { dtype: 'float64' }) : null,
      });
    case 'decoder':
      return new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numLayers!, {
        norm: norm ? new LayerNorm(dModel, { dtype: 'float64' }) : null,
      });
  }
}

function run(c: LayerCase, m: Module<never, unknown>, inputs: Tensor[]): Tensor {
  const [x, memory] = inputs as [Tensor, Tensor];
  const seq = c.config.batchFirst ? x.shape[1]! : x.shape[0]!;
  const causal = c.config.causalMask ? generateSquareSubsequentMask(seq, 'float64') : null;
  const srcKeyPaddingMask = bool(c.config.srcKeyPaddingMask);
  const memoryKeyPaddingMask = bool(c.config.memoryKeyPaddingMask);
  if (m instanceof TransformerEncoderLayer) return m.forward(x, { srcMask: causal, srcKeyPaddingMask });
  if (m instanceof TransformerEncoder) return m.forward(x, { mask: causal, srcKeyPaddingMask });
  if (m instanceof TransformerDecoderLayer || m instanceof TransformerDecoder) {
    return m.forward(x, memory, { tgtMask: causal, memoryKeyPaddingMask });
  }
  throw new Error(`unknown kind ${c.kind}`);
}

describe('transformer layers against PyTorch', () => {
  for (const c of fixture.layers) {
    it(c.name, () => {
      const m = build(c);
      load(m, c.state);
      const inputs = c.inputs.map((x) => f64(x, true));
      const out = run(c, m, inputs);
      close(out, c.out, 'output');
      out.mul(f64(c.upstream)).sum().backward();
      for (const [i, x] of inputs.entries()) close(x.grad, c.grads[i]!, `gradient of input ${i}`);
      checkParamGrads(m, c.paramGrads);
    });
  }
});
