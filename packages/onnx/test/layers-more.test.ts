// The layer families added for issue #15 (ConvTranspose, GroupNorm, InstanceNorm2d, Upsample,
// RNN/LSTM/GRU), each run with onnxruntime-node at a batch size other than the traced one
// (dynamicAxes), equal chainrule's forward to 1e-5 in float32.
import { type Tensor, add, concat, manualSeed, randn, slice } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { describe, it } from 'vitest';
import { expectSameAsOrtMany } from './multi-input.js';
import { expectSameAsOrt } from './ort.js';

manualSeed(11);
const x = (shape: number[]) => randn(shape);

/** Runs a recurrent layer and returns what `pick` takes from its result (the model must return one Tensor). */
class Take extends nn.Module {
  constructor(
    readonly inner: nn.RNN | nn.LSTM | nn.GRU,
    readonly pick: 'output' | 'hN' | 'cN' | 'sum',
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    if (this.inner instanceof nn.LSTM) {
      const [y, [h, c]] = this.inner.forward(input);
      return this.pick === 'output' ? y : this.pick === 'hN' ? h : this.pick === 'cN' ? c : add(h, c);
    }
    const [y, h] = this.inner.forward(input);
    return this.pick === 'hN' ? h : y;
  }
}

describe('toOnnx: more layers run by ONNX Runtime at another batch size', () => {
  it('slice (Slice): fixed bounds, a step, and bounds that follow the dynamic batch dim', async () => {
    class Slices extends nn.Module {
      forward(input: Tensor): Tensor {
        const n = input.shape[0]!;
        const inner = slice(slice(input, 1, 1, 5, 2), 0, 1, n - 1); // rows 1..n-2, columns 1 and 3
        return concat([inner, slice(input, 0, 0, n - 2)], 1);
      }
    }
    await expectSameAsOrt(new Slices(), x([4, 6]), x([7, 6]));
  });

  it('ConvTranspose1d and ConvTranspose2d (stride, padding, outputPadding, dilation, groups, bias)', async () => {
    await expectSameAsOrt(new nn.ConvTranspose2d(3, 4, 3), x([2, 3, 5, 5]), x([3, 3, 5, 5]));
    const up = new nn.ConvTranspose2d(4, 2, 4, { stride: 2, padding: 1 });
    await expectSameAsOrt(up, x([1, 4, 6, 6]), x([3, 4, 6, 6]));
    const odd = new nn.ConvTranspose2d(4, 6, [3, 2], { stride: [2, 3], outputPadding: 1, groups: 2, bias: false });
    await expectSameAsOrt(odd, x([2, 4, 5, 4]), x([4, 4, 5, 4]));
    await expectSameAsOrt(new nn.ConvTranspose2d(2, 2, 3, { dilation: 2 }), x([2, 2, 4, 4]), x([1, 2, 4, 4]));
    const one = new nn.ConvTranspose1d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
    await expectSameAsOrt(one, x([2, 4, 10]), x([3, 4, 10]));
  });

  it('GroupNorm (Reshape + InstanceNormalization + affine), 2-d and 4-d inputs', async () => {
    await expectSameAsOrt(new nn.GroupNorm(2, 6), x([3, 6, 4, 4]), x([5, 6, 4, 4]));
    await expectSameAsOrt(new nn.GroupNorm(3, 6, { affine: false }), x([2, 6, 5]), x([4, 6, 5]));
    const gn = new nn.GroupNorm(1, 4);
    gn.weight!.value.data.set([0.5, 2, -1, 1.5]);
    gn.bias!.value.data.set([0.1, -0.2, 0.3, 0]);
    await expectSameAsOrt(gn, x([2, 4, 3, 3]), x([3, 4, 3, 3]));
  });

  it('InstanceNorm2d: instance statistics (affine or not), and running statistics in eval', async () => {
    await expectSameAsOrt(new nn.InstanceNorm2d(3), x([2, 3, 5, 5]), x([4, 3, 5, 5]));
    const affine = new nn.InstanceNorm2d(3, { affine: true });
    affine.weight!.value.data.set([0.5, 2, -1]);
    await expectSameAsOrt(affine, x([2, 3, 5, 5]), x([3, 3, 5, 5]));
    const tracked = new nn.InstanceNorm2d(3, { trackRunningStats: true });
    tracked.forward(x([4, 3, 5, 5]).mul(2).add(1)); // training: moves the running statistics
    await expectSameAsOrt(tracked, x([2, 3, 5, 5]), x([3, 3, 5, 5]));
  });

  it('Upsample nearest and (bi)linear, by scale factor and by size (Resize)', async () => {
    const cases: [nn.UpsampleOptions, number[]][] = [
      [{ scaleFactor: 2 }, [3, 4, 4]],
      [{ scaleFactor: 3 }, [3, 5]],
      [{ scaleFactor: [2, 3] }, [2, 3, 4]],
      [{ size: [8, 6] }, [3, 4, 3]],
      [{ size: [6, 5] }, [3, 4, 3]],
      [{ size: 7 }, [3, 3]],
      [{ scaleFactor: 1.5 }, [3, 4, 6]],
      [{ scaleFactor: [1.7, 2.5] }, [3, 5, 3]],
      [{ scaleFactor: 0.5, mode: 'bilinear' }, [3, 8, 6]],
      [{ scaleFactor: 1.5, mode: 'linear' }, [3, 5]],
      [{ scaleFactor: 2, mode: 'bilinear' }, [3, 4, 4]],
      [{ scaleFactor: 2, mode: 'bilinear', alignCorners: true }, [3, 4, 4]],
      [{ size: [7, 5], mode: 'bilinear' }, [3, 4, 3]],
      [{ size: [7, 5], mode: 'bilinear', alignCorners: true }, [3, 4, 3]],
      [{ scaleFactor: 2, mode: 'linear' }, [3, 6]],
      [{ size: 9, mode: 'linear', alignCorners: true }, [3, 6]],
    ];
    for (const [options, rest] of cases)
      await expectSameAsOrt(new nn.Upsample(options), x([2, ...rest]), x([3, ...rest]));
  });

  it('RNN (tanh, relu), one and two layers, time-major and batchFirst', async () => {
    const steps = (n: number) => x([5, n, 3]);
    const batch1 = { dynamicAxes: { input: { 1: 'batch' }, output: { 1: 'batch' } } };
    await expectSameAsOrt(new Take(new nn.RNN(3, 4), 'output'), steps(2), steps(4), 1e-5, batch1);
    const relu = new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2 });
    await expectSameAsOrt(new Take(relu, 'output'), steps(2), steps(3), 1e-5, batch1);
    const bf = new nn.RNN(3, 4, { batchFirst: true, numLayers: 2, bias: false });
    await expectSameAsOrt(new Take(bf, 'output'), x([2, 5, 3]), x([4, 5, 3]));
    const hN = { dynamicAxes: { input: { 1: 'batch' }, output: { 1: 'batch' } } };
    await expectSameAsOrt(new Take(new nn.RNN(3, 4, { numLayers: 2 }), 'hN'), steps(2), steps(3), 1e-5, hN);
  });

  it('LSTM (gates reordered i,f,g,o → i,o,f,c): output, hN and cN, stacked, batchFirst', async () => {
    const batch1 = { dynamicAxes: { input: { 1: 'batch' }, output: { 1: 'batch' } } };
    const steps = (n: number) => x([6, n, 3]);
    await expectSameAsOrt(new Take(new nn.LSTM(3, 5), 'output'), steps(2), steps(4), 1e-5, batch1);
    const two = new nn.LSTM(3, 5, { numLayers: 2 });
    await expectSameAsOrt(new Take(two, 'hN'), steps(2), steps(3), 1e-5, batch1);
    await expectSameAsOrt(new Take(two, 'cN'), steps(2), steps(3), 1e-5, batch1);
    const bf = new nn.LSTM(3, 5, { batchFirst: true, numLayers: 2 });
    await expectSameAsOrt(new Take(bf, 'output'), x([2, 6, 3]), x([3, 6, 3]));
  });

  it('LSTM and GRU with initial states given as graph inputs ([numLayers, N, H])', async () => {
    class WithState extends nn.Module<[Tensor, Tensor, Tensor], Tensor> {
      readonly lstm = new nn.LSTM(3, 4, { numLayers: 2 });
      readonly gru = new nn.GRU(3, 4, { numLayers: 2 });
      forward(input: Tensor, h0: Tensor, c0: Tensor): Tensor {
        const [y] = this.lstm.forward(input, [h0, c0]);
        const [z] = this.gru.forward(input, h0);
        return add(y, z);
      }
    }
    const batch = { 1: 'batch' };
    const options = { dynamicAxes: { input0: batch, input1: batch, input2: batch, output: batch } };
    const at = (n: number) => [x([5, n, 3]), x([2, n, 4]), x([2, n, 4])];
    await expectSameAsOrtMany(new WithState(), at(2), at(3), options);
  });

  it('RNNCell, LSTMCell and GRUCell (one step of the sequence op), batched and unbatched', async () => {
    class Cells extends nn.Module<[Tensor, Tensor, Tensor], Tensor> {
      readonly rnn = new nn.RNNCell(3, 4, { nonlinearity: 'relu' });
      readonly lstm = new nn.LSTMCell(3, 4);
      readonly gru = new nn.GRUCell(3, 4, { bias: false });
      forward(input: Tensor, h: Tensor, c: Tensor): Tensor {
        const [h1, c1] = this.lstm.forward(input, [h, c]);
        const [h2, c2] = this.lstm.forward(input); // zero state
        return add(add(add(h1, c1), add(h2, c2)), add(this.rnn.forward(input, h), this.gru.forward(input)));
      }
    }
    const batch = { 0: 'batch' };
    const options = { dynamicAxes: { input0: batch, input1: batch, input2: batch, output: batch } };
    const at = (n: number) => [x([n, 3]), x([n, 4]), x([n, 4])];
    await expectSameAsOrtMany(new Cells(), at(2), at(5), options);
    await expectSameAsOrtMany(new Cells(), [x([3]), x([4]), x([4])], [x([3]), x([4]), x([4])], {});
  });

  it('GRU (gates reordered r,z,n → z,r,h, linear_before_reset): output and hN, stacked, batchFirst', async () => {
    const batch1 = { dynamicAxes: { input: { 1: 'batch' }, output: { 1: 'batch' } } };
    const steps = (n: number) => x([4, n, 3]);
    await expectSameAsOrt(new Take(new nn.GRU(3, 5), 'output'), steps(2), steps(5), 1e-5, batch1);
    const two = new nn.GRU(3, 5, { numLayers: 2 });
    await expectSameAsOrt(new Take(two, 'hN'), steps(2), steps(3), 1e-5, batch1);
    const bf = new nn.GRU(3, 5, { batchFirst: true, bias: false });
    await expectSameAsOrt(new Take(bf, 'output'), x([2, 4, 3]), x([3, 4, 3]));
  });
});
