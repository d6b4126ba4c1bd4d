/** Test helper: a model of several inputs, exported, run by ONNX Runtime on other inputs, compared with chainrule. */
import { type Tensor, noGrad } from '@chainrule/autograd';
import type { AnyModule } from '@chainrule/nn';
import { type OnnxExportOptions, toOnnx } from '@chainrule/onnx';
import { expect } from 'vitest';
import { runOnnx } from './ort.js';

/** Exports `model` traced on `example`, runs it on `other` and checks it equals the forward pass to `tol`. */
export async function expectSameAsOrtMany(
  model: AnyModule,
  example: readonly Tensor[],
  other: readonly Tensor[],
  options: OnnxExportOptions,
  tol = 1e-5,
): Promise<void> {
  model.eval();
  const bytes = toOnnx(model, example, options);
  const forward = (model as unknown as { forward(...xs: Tensor[]): Tensor }).forward.bind(model);
  const expected = noGrad(() => forward(...other));
  const got = await runOnnx(bytes, other);
  expect(got.dims).toEqual(expected.shape);
  const want = Array.from(expected.value.contiguous().data, Number);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}
