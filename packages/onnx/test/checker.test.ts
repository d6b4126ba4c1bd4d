// The exported files pass the official ONNX checker (onnx.checker.check_model with full_check,
// which also runs ONNX's shape inference). Skipped, with the reason, where no Python has onnx:
// install it with `.venv/bin/pip install onnx`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, randint, randn } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { toOnnx } from '@chainrule/onnx';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython, runPython } from '../../../tooling/python.js';
import { lenet } from './models.js';

const py = findPython(['onnx']);
const dir = mkdtempSync(join(tmpdir(), 'chainrule-onnx-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    dims = [d.dim_param or d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
    print(path.rsplit('/', 1)[-1], m.opset_import[0].version, dims)
`;

/** The families of issue #15: transposed convolutions, group/instance norm, Resize, recurrent, attention. */
function moreFamilies(): [string, Uint8Array][] {
  const batch = { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } };
  const image = new nn.Sequential(
    new nn.ConvTranspose2d(3, 4, 4, { stride: 2, padding: 1 }),
    new nn.GroupNorm(2, 4),
    new nn.InstanceNorm2d(4, { affine: true }),
    new nn.Upsample({ size: [9, 7], mode: 'bilinear' }),
    new nn.Upsample({ scaleFactor: 2 }),
    new nn.AdaptiveAvgPool2d([3, 7]),
  );
  class Recurrent extends nn.Module {
    readonly lstm = new nn.LSTM(3, 4, { batchFirst: true, numLayers: 2 });
    readonly gru = new nn.GRU(4, 4, { batchFirst: true });
    readonly rnn = new nn.RNN(4, 3, { batchFirst: true, nonlinearity: 'relu' });
    forward(x: Tensor): Tensor {
      return this.rnn.forward(this.gru.forward(this.lstm.forward(x)[0])[0])[0];
    }
  }
  const encoder = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
  return [
    ['image', toOnnx(image, randn([2, 3, 4, 4]), batch)],
    ['rnn', toOnnx(new Recurrent(), randn([2, 5, 3]), { ...batch, opset: 13 })],
    ['encoder', toOnnx(encoder, randn([2, 5, 8]), { ...batch, opset: 18 })],
  ];
}

describe('the ONNX checker', () => {
  it.skipIf(py.python === null)(
    `accepts every exported layer family${py.python === null ? ` (skipped: ${py.reason})` : ''}`,
    () => {
      const batch = { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } };
      const models: [string, Uint8Array][] = [
        ['lenet', toOnnx(lenet(), randn([2, 1, 28, 28]), batch)],
        [
          'mlp',
          toOnnx(
            new nn.Sequential(new nn.Linear(4, 3), new nn.ELU(), new nn.LayerNorm(3), new nn.Softmax()),
            randn([2, 4]),
            batch,
          ),
        ],
        [
          'bn',
          toOnnx(new nn.Sequential(new nn.BatchNorm1d(4), new nn.LeakyReLU(), new nn.GELU()), randn([2, 4]), batch),
        ],
        ['emb', toOnnx(new nn.Embedding(5, 2), randint(0, 5, [2, 3]), { ...batch, opset: 18 })],
        ...moreFamilies(),
      ];
      const paths = models.map(([name, bytes]) => {
        const path = join(dir, `${name}.onnx`);
        writeFileSync(path, bytes);
        return path;
      });
      const out = runPython(py.python!, CHECK, paths);
      expect(out).toContain("lenet.onnx 17 ['batch', 1, 28, 28]");
      expect(out).toContain("emb.onnx 18 ['batch', 3]");
      expect(out).toContain("rnn.onnx 13 ['batch', 5, 3]");
      expect(out).toContain("encoder.onnx 18 ['batch', 5, 8]");
      expect(out.trim().split('\n')).toHaveLength(models.length);
    },
  );
});
