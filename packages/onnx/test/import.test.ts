// loadOnnx on models exported by PyTorch 2.13 (torch.onnx.export, dynamo and legacy exporters): outputs equal
// PyTorch's to 1e-5, gradients after import pass gradcheck, toOnnx → loadOnnx round trips.
// Fixtures: .venv/bin/python scripts/fixtures/onnx_models.py (writes test/fixtures/*.onnx and onnx_models.json)
import { readFileSync } from 'node:fs';
import { assertGradcheck, gradgradcheck, manualSeed, noGrad, randn, type Tensor, tensor } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { describe, expect, it } from 'vitest';
import { loadOnnx, OnnxImportError, toOnnx } from '../src/index.js';
import { encodeOnnxModel } from '../src/proto.js';
import { lenet } from './models.js';

interface Case {
  file: string;
  ops: string[];
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
}
const dir = new URL('./fixtures/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('onnx_models.json', dir), 'utf8')) as Record<string, Case>;
const bytesOf = (c: Case): Uint8Array => new Uint8Array(readFileSync(new URL(c.file, dir)));
const inputOf = (c: Case, dtype: 'float32' | 'float64' = 'float32'): Tensor =>
  tensor(Float64Array.from(c.input.data), { dtype }).reshape(c.input.shape);
const worst = (a: Tensor, b: readonly number[]): number =>
  Math.max(...Array.from(a.value.contiguous().data, (v, i) => Math.abs(Number(v) - b[i]!)));

manualSeed(3);

describe('loadOnnx: PyTorch 2.13 exports', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name} (${c.ops.join(', ')}): outputs equal PyTorch's to 1e-5`, () => {
      const m = loadOnnx(bytesOf(c));
      const y = noGrad(() => m.forward(inputOf(c)));
      expect(y.shape).toEqual(c.output.shape);
      expect(worst(y, c.output.data)).toBeLessThan(1e-5);
    });
  }

  it('initializers are trainable parameters named by their ONNX names', () => {
    const m = loadOnnx(bytesOf(cases.cnn!));
    const keys = m.namedParameters().map(([k]) => k);
    for (const k of ['c1.weight', 'c1.bias', 'fc.weight', 'ln.bias']) expect(keys).toContain(k);
    expect([...m.onnxNames.values()]).toContain('c1.weight');
    expect(m.parameters().every((p) => p.requiresGrad)).toBe(true);
    const legacy = loadOnnx(bytesOf(cases.cnn_legacy!));
    for (const [key, onnxName] of legacy.onnxNames) expect(legacy.stateDict().has(key), onnxName).toBe(true);
  });

  it('gradients after import: gradcheck in the input (float64 copy); parameter grads match differences', () => {
    for (const name of ['mlp', 'cnn_legacy', 'misc_legacy', 'lstm', 'gru', 'encoder']) {
      const c = cases[name]!;
      const m = loadOnnx(bytesOf(c)).to('float64');
      const x = inputOf(c, 'float64').requiresGrad_();
      assertGradcheck((xx) => m.forward(xx), [x]);
      // d sum(y·r)/d w by backward, against central differences on w's first entries
      const r = randn(c.output.shape, { dtype: 'float64' });
      const objective = (): Tensor => m.forward(x).mul(r).sum();
      const w = m.parameters()[0]!;
      w.grad = null;
      objective().backward();
      const data = w.value.data as Float64Array;
      for (let j = 0; j < 4; j++) {
        const keep = data[j]!;
        data[j] = keep + 1e-6;
        const up = noGrad(objective).item();
        data[j] = keep - 1e-6;
        const down = noGrad(objective).item();
        data[j] = keep;
        expect(Math.abs((w.grad!.value.data as Float64Array)[j]! - (up - down) / 2e-6)).toBeLessThan(1e-6);
      }
    }
  });

  it('gradients of gradients: gradgradcheck of the imported MLP and LSTM (float64)', () => {
    for (const name of ['mlp', 'lstm']) {
      const c = cases[name]!;
      const m = loadOnnx(bytesOf(c)).to('float64');
      const result = gradgradcheck((xx) => m.forward(xx), [inputOf(c, 'float64').requiresGrad_()]);
      expect(result.ok, result.report).toBe(true);
    }
  });

  it('fine-tuning: a step of SGD on the imported MLP lowers its loss', () => {
    const c = cases.mlp!;
    const m = loadOnnx(bytesOf(c));
    const x = inputOf(c);
    const target = randn(c.output.shape).softmax(1);
    const loss = (): Tensor => m.forward(x).sub(target).square().mean();
    const before = loss();
    before.backward();
    const opt = new nn.SGD(m.parameters(), { lr: 1 });
    opt.step();
    expect(noGrad(loss).item()).toBeLessThan(before.item());
  });
});

describe('loadOnnx: round trip with toOnnx', () => {
  it('an MLP and a LeNet-like CNN give the same outputs after export and import', () => {
    const mlp = new nn.Sequential(new nn.Linear(5, 7), new nn.Tanh(), new nn.Linear(7, 3), new nn.LogSoftmax(1));
    for (const [net, shape] of [
      [mlp, [4, 5]],
      [lenet(), [2, 1, 28, 28]],
    ] as const) {
      net.eval();
      const back = loadOnnx(toOnnx(net, randn([...shape])));
      const x = randn([...shape]);
      const want = noGrad(() => net.forward(x));
      const got = noGrad(() => back.forward(x));
      expect(got.shape).toEqual(want.shape);
      expect(worst(got, Array.from(want.value.contiguous().data, Number))).toBeLessThan(1e-5);
      const names = (mod: nn.Module<never[], unknown>): string[] =>
        mod
          .namedParameters()
          .map(([k]) => k)
          .sort();
      expect(names(back as never)).toEqual(names(net as never));
    }
  });
});

describe('loadOnnx: errors', () => {
  const x = { name: 'x', dtype: 'float32', dims: [2] } as const;
  const model = (opType: string, inputs = ['x']): Uint8Array =>
    encodeOnnxModel({
      opset: 17,
      producerVersion: '0',
      graphName: 'g',
      nodes: [{ opType, inputs, outputs: ['y'], name: 'n0', attributes: {} }],
      initializers: [],
      inputs: [x],
      outputs: [{ ...x, name: 'y' }],
    });

  it('an unsupported operator names the node, its op type and the opset', () => {
    expect(() => loadOnnx(model('NonMaxSuppression'))).toThrow(OnnxImportError);
    expect(() => loadOnnx(model('NonMaxSuppression'))).toThrow(/node 'n0' \(NonMaxSuppression, opset 17\)/);
    // op types that are names on Object.prototype are not operators either
    for (const opType of ['toString', 'constructor', '__proto__'])
      expect(() => loadOnnx(model(opType))).toThrow(/is not supported by loadOnnx/);
  });

  it('an input read before it is defined, and bytes that are not a model, are OnnxImportErrors', () => {
    expect(() => loadOnnx(model('Relu', ['nope']))).toThrow(/input 'nope' is not defined/);
    expect(() => loadOnnx(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(OnnxImportError);
    expect(() => loadOnnx(new Uint8Array())).toThrow(/no graph/);
  });

  it('the wrong number of inputs is an OnnxImportError', () => {
    expect(() => loadOnnx(model('Relu')).forward()).toThrow(/takes 1 inputs/);
  });
});
