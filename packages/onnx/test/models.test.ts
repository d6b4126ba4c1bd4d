// End to end: the MNIST MLP (784-30-10, sigmoid) and a LeNet-like CNN, exported with a dynamic
// batch and run by onnxruntime-node at another batch size, equal chainrule's outputs to 1e-5.
import { manualSeed, randn, sigmoid, type Tensor } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { describe, expect, it } from 'vitest';
import { lenet } from './models.js';
import { expectSameAsOrt } from './ort.js';

manualSeed(11);

/** Nielsen's network as the CLI builds it: sigmoid hidden and output units (forward in code, not Sequential). */
class MnistMlp extends nn.Module {
  readonly fc1 = new nn.Linear(784, 30);
  readonly fc2 = new nn.Linear(30, 10);
  constructor() {
    super();
    this.registerModule('fc1', this.fc1);
    this.registerModule('fc2', this.fc2);
  }
  forward(x: Tensor): Tensor {
    return sigmoid(this.fc2.forward(sigmoid(this.fc1.forward(x))));
  }
}

describe('toOnnx end to end', () => {
  it('MNIST MLP 784-30-10: traced at batch 1, run at batch 64; initializers carry state-dict names', async () => {
    const bytes = await expectSameAsOrt(new MnistMlp(), randn([1, 784]), randn([64, 784]));
    const text = new TextDecoder('latin1').decode(bytes);
    for (const key of ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']) expect(text).toContain(key);
  });

  it('LeNet-like CNN: traced at batch 2, run at batch 5', async () => {
    await expectSameAsOrt(lenet(), randn([2, 1, 28, 28]), randn([5, 1, 28, 28]));
  });

  it('float64 models export as DOUBLE and agree to 1e-12', async () => {
    // (Tanh rather than GELU: ONNX Runtime has no float64 Erf kernel)
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 2)).to('float64');
    const x = (n: number) => randn([n, 4], { dtype: 'float64' });
    await expectSameAsOrt(net, x(2), x(7), 1e-12);
  });
});
