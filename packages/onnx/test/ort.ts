/** Test helpers: run an exported model with onnxruntime-node and compare with chainrule. */
import { type Tensor, noGrad } from '@chainrule/autograd';
import type { AnyModule } from '@chainrule/nn';
import { type OnnxExportOptions, toOnnx } from '@chainrule/onnx';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';

const ORT_TYPE = { float32: 'float32', float64: 'float64', int32: 'int32', bool: 'bool' } as const;

/** Runs `bytes` on `inputs` (fed by position to the graph's inputs) and returns the first output. */
export async function runOnnx(
  bytes: Uint8Array,
  inputs: readonly Tensor[],
): Promise<{ data: number[]; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const x = inputs[i]!;
    const data = x.value.contiguous().data;
    feeds[name] = new ort.Tensor(ORT_TYPE[x.dtype], data as Float32Array, [...x.shape]);
  });
  const out = (await session.run(feeds))[session.outputNames[0]!]!;
  return { data: Array.from(out.data as Float32Array, Number), dims: out.dims.map(Number) };
}

/**
 * Exports `model` traced on `example` with the batch dim dynamic, runs it with ONNX Runtime on
 * `other` (a different batch size) and checks it equals chainrule's forward on `other` to `tol`.
 */
export async function expectSameAsOrt(
  model: AnyModule,
  example: Tensor,
  other: Tensor,
  tol = 1e-5,
  options: OnnxExportOptions = { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } },
): Promise<Uint8Array> {
  model.eval();
  const bytes = toOnnx(model, example, options);
  const expected = noGrad(() => (model as unknown as { forward(x: Tensor): Tensor }).forward(other));
  const got = await runOnnx(bytes, [other]);
  expect(got.dims).toEqual(expected.shape);
  const want = Array.from(expected.value.contiguous().data, Number);
  expect(got.data.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
  return bytes;
}
