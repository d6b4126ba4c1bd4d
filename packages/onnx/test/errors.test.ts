// What the exporter refuses: ops with no ONNX form (named with the module path), bad options,
// values computed outside the ops whose shape follows a dynamic dim; and saveOnnx's atomic write.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tensor, cumsum, ones, randn, softmax } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { OnnxExportError, saveOnnx, toOnnx } from '@chainrule/onnx';
import { RangeError as TRangeError } from '@chainrule/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnnx } from './ort.js';

class Cumulative extends nn.Module {
  forward(x: Tensor): Tensor {
    return cumsum(x, 1);
  }
}

class FunctionalSoftmax extends nn.Module {
  forward(x: Tensor): Tensor {
    return softmax(x, -1); // shifts by a max computed on the values, outside the recorded ops
  }
}

const dir = mkdtempSync(join(tmpdir(), 'chainrule-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('toOnnx refuses what it cannot write', () => {
  it('names the op, the step and the module path of an op with no ONNX form', () => {
    const net = new nn.Sequential(new nn.Linear(3, 3), new Cumulative());
    expect(() => toOnnx(net, randn([2, 3]))).toThrow(OnnxExportError);
    expect(() => toOnnx(net, randn([2, 3]))).toThrow(
      "cumsum: this op has no ONNX form in @chainrule/onnx yet (step 1 of the forward pass, in module '1')",
    );
  });

  it('refuses a value computed from the inputs outside the ops, rather than freezing it', () => {
    const message = /expand: input 0 \(shape \[2,1\]\) is a value computed outside the recorded ops from the inputs/;
    const dynamic = () => toOnnx(new FunctionalSoftmax(), randn([2, 3]), { dynamicAxes: { input: [0] } });
    expect(dynamic).toThrow(message); // its shape follows the batch
    expect(() => toOnnx(new FunctionalSoftmax(), randn([2, 3]))).toThrow(message); // its values follow the input
    expect(() => toOnnx(new nn.SobolevaTanh(), randn([2, 3]))).toThrow(/is a value computed outside the recorded ops/);
  });

  it('refuses control flow on values (the two traces run different ops)', () => {
    class Branch extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.sum().item() > 5 ? x.exp() : x.neg(); // 4 in the traced run, 8 in the second
      }
    }
    expect(() => toOnnx(new Branch(), ones([2, 2]))).toThrow('toOnnx: the forward pass runs different ops');
  });

  it('checks the options', () => {
    const lin = new nn.Linear(2, 2);
    const x = randn([1, 2]);
    expect(() => toOnnx(lin, x, { opset: 12 })).toThrow(TRangeError);
    expect(() => toOnnx(lin, x, { opset: 12 })).toThrow('toOnnx: opset must be an integer from 13 to 21, got 12');
    expect(() => toOnnx(lin, x, { dynamicAxis: {} } as never)).toThrow("toOnnx: unknown option 'dynamicAxis'");
    expect(() => toOnnx(lin, x, { dynamicAxes: { inp: [0] } })).toThrow("dynamicAxes names 'inp'");
    expect(() => toOnnx(lin, x, { dynamicAxes: { input: [2] } })).toThrow("dynamicAxes['input'] axis 2");
    expect(() => toOnnx(new nn.LayerNorm(2), x, { opset: 16 })).toThrow(
      'LayerNorm: LayerNormalization needs opset 17 or later, got opset 16',
    );
  });

  it('leaves the modules in the mode they were in (export runs in eval mode)', () => {
    const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    toOnnx(net, randn([1, 2]));
    expect(net.modules().every((m) => m.training)).toBe(true);
  });
});

describe('saveOnnx', () => {
  it('writes the bytes toOnnx returns, leaving no temporary file', async () => {
    const net = new nn.Linear(3, 2);
    const x = randn([4, 3]);
    const path = join(dir, 'linear.onnx');
    saveOnnx(path, net, x);
    expect(readFileSync(path)).toEqual(Buffer.from(toOnnx(net, x)));
    expect(readdirSync(dir)).toEqual(['linear.onnx']);
    const out = await runOnnx(readFileSync(path), [x]);
    expect(out.dims).toEqual([4, 2]);
  });

  it('writes nothing when the export fails', () => {
    const path = join(dir, 'bad.onnx');
    expect(() => saveOnnx(path, new Cumulative(), randn([2, 2]))).toThrow(OnnxExportError);
    expect(existsSync(path)).toBe(false);
  });

  it('names the path when the folder does not exist', () => {
    const path = join(dir, 'missing', 'x.onnx');
    expect(() => saveOnnx(path, new nn.Linear(1, 1), randn([1, 1]))).toThrow(`saveOnnx: could not write ${path}`);
  });
});
