// toOnnx → loadOnnx round trips, one per layer family the exporter writes: the imported module gives the
// chainrule model's outputs (1e-6 in float32) and keeps the parameter names the file keeps.
import { manualSeed, noGrad, randn, type Tensor, tensor } from '@chainrule/autograd';
import * as nn from '@chainrule/nn';
import { describe, expect, it } from 'vitest';
import { loadOnnx, toOnnx } from '../src/index.js';

manualSeed(5);

/** A recurrent layer's output sequence (toOnnx takes a model returning one tensor). */
class Sequence extends nn.Module {
  constructor(readonly rnn: nn.Module<[Tensor], [Tensor, unknown]>) {
    super();
    this.registerModule('rnn', rnn as never);
  }
  forward(x: Tensor): Tensor {
    return this.rnn.forward(x)[0];
  }
}

type Net = nn.Module<[Tensor], Tensor>;
const seq = (...layers: nn.Module<never[], unknown>[]): Net => new nn.Sequential(...(layers as never[])) as never;
const CASES: [string, () => Net, () => Tensor][] = [
  ['BatchNorm1d, GELU', () => seq(new nn.Linear(4, 5), new nn.BatchNorm1d(5), new nn.GELU()), () => randn([3, 4])],
  ['LayerNorm, ELU, LeakyReLU', () => seq(new nn.LayerNorm(4), new nn.ELU(), new nn.LeakyReLU()), () => randn([3, 4])],
  ['Softplus, Softsign', () => seq(new nn.Softplus(), new nn.Softsign()), () => randn([3, 4])],
  ['GroupNorm', () => new nn.GroupNorm(2, 4) as never, () => randn([2, 4, 3, 3])],
  [
    'ConvTranspose2d',
    () => new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 }) as never,
    () => randn([1, 2, 4, 4]),
  ],
  ['AdaptiveMaxPool2d', () => new nn.AdaptiveMaxPool2d(1) as never, () => randn([1, 2, 4, 4])],
  ['Embedding', () => new nn.Embedding(5, 3) as never, () => tensor(Int32Array.from([4, 0, 2, 2]))],
  ['RNN (relu)', () => new Sequence(new nn.RNN(3, 4, { nonlinearity: 'relu' })) as never, () => randn([5, 2, 3])],
  ['GRU', () => new Sequence(new nn.GRU(3, 4)) as never, () => randn([5, 2, 3])],
  [
    'LSTM (2 layers, batch first)',
    () => new Sequence(new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true })) as never,
    () => randn([2, 5, 3]),
  ],
  [
    'TransformerEncoderLayer',
    () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }) as never,
    () => randn([5, 2, 8]),
  ],
];

describe('loadOnnx(toOnnx(model)) gives the model back', () => {
  for (const [name, make, input] of CASES) {
    it(name, () => {
      const net = make();
      net.eval();
      const x = input();
      const back = loadOnnx(toOnnx(net, x));
      const want = noGrad(() => net.forward(x)).value.contiguous().data;
      const got = noGrad(() => back.forward(x));
      const gap = Math.max(...Array.from(got.value.contiguous().data, (v, i) => Math.abs(Number(v) - Number(want[i]))));
      expect(gap).toBeLessThan(1e-6);
      // the exporter keeps state-dict names except where it repacks weights (the recurrent layers' gate blocks)
      const kept = new Set(back.namedParameters().map(([k]) => k));
      const missing = net.namedParameters().filter(([k]) => !kept.has(k));
      expect(missing.length === 0).toBe(!/RNN|GRU|LSTM/.test(name));
    });
  }
});
