// Each layer family exported, run with onnxruntime-node at a batch size other than the traced
// one (dynamicAxes), equals chainrule's forward to 1e-5 in float32.
import { manualSeed, randint, randn } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { toOnnx } from '@chainrule/onnx';
import { describe, expect, it } from 'vitest';
import { expectSameAsOrt } from './ort.js';

manualSeed(7);
const x = (shape: number[]) => randn(shape);

describe('toOnnx: layers run by ONNX Runtime at another batch size', () => {
  it('Linear (Gemm) and Linear on 3-d input (MatMul + Add), with and without bias', async () => {
    await expectSameAsOrt(new nn.Linear(5, 3), x([4, 5]), x([7, 5]));
    await expectSameAsOrt(new nn.Linear(5, 3, { bias: false }), x([4, 5]), x([2, 5]));
    await expectSameAsOrt(new nn.Linear(5, 3), x([4, 2, 5]), x([3, 2, 5]));
  });

  const activations: [string, () => nn.TensorModule][] = [
    ['ReLU', () => new nn.ReLU()],
    ['Sigmoid', () => new nn.Sigmoid()],
    ['Tanh', () => new nn.Tanh()],
    ['LeakyReLU', () => new nn.LeakyReLU(0.2)],
    ['GELU', () => new nn.GELU()],
    ['GELU tanh', () => new nn.GELU('tanh')],
    ['Softplus', () => new nn.Softplus()],
    ['Softplus beta 2 threshold 1', () => new nn.Softplus(2, 1)],
    ['ELU', () => new nn.ELU(0.5)],
    ['Softsign', () => new nn.Softsign()],
    ['Softmax', () => new nn.Softmax()],
    ['LogSoftmax', () => new nn.LogSoftmax()],
    ['Identity', () => new nn.Identity()],
    ['Step', () => new nn.Step()],
  ];
  for (const [name, make] of activations)
    it(`${name}`, async () => {
      await expectSameAsOrt(new nn.Sequential(new nn.Linear(6, 6), make()), x([3, 6]), x([5, 6]).mul(4));
    });

  it('Sequential with Flatten and Dropout (identity in eval)', async () => {
    const net = new nn.Sequential(new nn.Flatten(), new nn.Dropout(0.5), new nn.Linear(12, 4));
    await expectSameAsOrt(net, x([2, 3, 2, 2]), x([5, 3, 2, 2]));
  });

  it('Conv2d (stride, padding, dilation, groups, same), MaxPool2d and AvgPool2d', async () => {
    await expectSameAsOrt(new nn.Conv2d(2, 4, 3, { padding: 1, stride: 2 }), x([2, 2, 9, 9]), x([3, 2, 9, 9]));
    await expectSameAsOrt(new nn.Conv2d(4, 4, [3, 2], { groups: 2, dilation: 2 }), x([1, 4, 8, 8]), x([3, 4, 8, 8]));
    await expectSameAsOrt(new nn.Conv2d(2, 3, 4, { padding: 'same', bias: false }), x([2, 2, 7, 7]), x([1, 2, 7, 7]));
    await expectSameAsOrt(new nn.MaxPool2d(3, { stride: 2, padding: 1 }), x([2, 3, 8, 8]), x([4, 3, 8, 8]));
    await expectSameAsOrt(new nn.MaxPool2d(2, { ceilMode: true }), x([2, 3, 7, 7]), x([1, 3, 7, 7]));
    await expectSameAsOrt(new nn.AvgPool2d(2), x([2, 3, 8, 8]), x([4, 3, 8, 8]));
    await expectSameAsOrt(new nn.AvgPool2d(3, { padding: 1, stride: 2 }), x([2, 3, 8, 8]), x([3, 3, 8, 8]));
    const exclude = new nn.AvgPool2d(3, { padding: 1, stride: 2, countIncludePad: false });
    await expectSameAsOrt(exclude, x([2, 3, 8, 8]), x([3, 3, 8, 8]));
  });

  it('Conv1d, MaxPool1d, AvgPool1d, adaptive pooling to 1x1 (global pools) and to dividing sizes', async () => {
    await expectSameAsOrt(new nn.Conv1d(2, 4, 3, { padding: 1, stride: 2 }), x([2, 2, 9]), x([3, 2, 9]));
    await expectSameAsOrt(new nn.Conv1d(4, 4, 3, { groups: 4, padding: 'same' }), x([1, 4, 8]), x([2, 4, 8]));
    await expectSameAsOrt(new nn.MaxPool1d(3, { stride: 2, padding: 1 }), x([2, 3, 9]), x([4, 3, 9]));
    await expectSameAsOrt(new nn.AvgPool1d(2), x([2, 3, 8]), x([1, 3, 8]));
    await expectSameAsOrt(new nn.AdaptiveAvgPool2d(1), x([2, 3, 5, 5]), x([4, 3, 5, 5]));
    await expectSameAsOrt(new nn.AdaptiveMaxPool2d([1, 1]), x([2, 3, 5, 5]), x([4, 3, 5, 5]));
    await expectSameAsOrt(new nn.AdaptiveAvgPool2d(2), x([2, 3, 4, 6]), x([3, 3, 4, 6]));
    await expectSameAsOrt(new nn.AdaptiveMaxPool2d([2, 3]), x([2, 3, 4, 6]), x([1, 3, 4, 6]));
    expect(() => toOnnx(new nn.AdaptiveAvgPool2d(2), x([1, 3, 5, 4]))).toThrow(
      'AdaptiveAvgPool2d: outputSize 2 on input [1,3,5,4]: only 1 (global pooling) or a size dividing fixed ' +
        'spatial dims has an ONNX form here',
    );
  });

  it('BatchNorm1d in eval (running statistics), on [N, C] and [N, C, L]', async () => {
    const bn = new nn.BatchNorm1d(4);
    bn.forward(x([16, 4]).mul(3).add(1)); // training step: moves the running statistics off 0 and 1
    await expectSameAsOrt(bn, x([3, 4]), x([6, 4]));
    await expectSameAsOrt(bn, x([3, 4, 5]), x([2, 4, 5]));
  });

  it('BatchNorm2d in eval (running statistics), affine and not', async () => {
    for (const affine of [true, false]) {
      const bn = new nn.BatchNorm2d(3, { affine });
      bn.forward(x([8, 3, 4, 4]).mul(2).sub(1));
      await expectSameAsOrt(bn, x([2, 3, 4, 4]), x([5, 3, 4, 4]));
    }
  });

  it('BatchNorm without running statistics is refused, naming the layer and its path', () => {
    const net = new nn.Sequential(new nn.BatchNorm1d(2, { trackRunningStats: false }));
    expect(() => toOnnx(net, x([3, 2]))).toThrow(
      'BatchNorm1d: without running statistics (trackRunningStats: false) it normalizes with batch statistics ' +
        "(step 0 of the forward pass, in module '0')",
    );
  });

  it('LayerNorm (LayerNormalization), with and without affine parameters', async () => {
    await expectSameAsOrt(new nn.LayerNorm(6), x([3, 6]), x([5, 6]));
    await expectSameAsOrt(new nn.LayerNorm([2, 3], { elementwiseAffine: false }), x([3, 2, 3]), x([4, 2, 3]));
  });

  it('Embedding (Gather) then Linear', async () => {
    const net = new nn.Sequential(new nn.Embedding(10, 4), new nn.Linear(4, 2));
    const ids = (n: number) => randint(0, 10, [n, 3]);
    await expectSameAsOrt(net, ids(2), ids(5));
    // batch and sequence length both free: Gather, then Linear on 3-d input (MatMul + Add)
    const both = { 0: 'batch', 1: 'seq' };
    const options = { dynamicAxes: { input: both, output: both } };
    await expectSameAsOrt(net, ids(2), randint(0, 10, [4, 7]), 1e-5, options);
  });
});
