/**
 * The exported model.py + weights.safetensors give chainrule's outputs and gradients in PyTorch
 * (float64, 1e-10): an MLP, a CNN (conv + batch norm + pool + linear), an LSTM model (a custom
 * module with its Python forward) and a transformer encoder. Needs Python with torch and
 * safetensors (tooling/python.ts); without it each test reports itself skipped with the reason.
 */
import { type Tensor, randint, randn, select, slice } from '@chainrule/autograd';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  ConvTranspose2d,
  Dropout,
  ELU,
  GRU,
  GroupNorm,
  Identity,
  InstanceNorm2d,
  LeakyReLU,
  LogSoftmax,
  MaxPool1d,
  ModuleList,
  MultiheadAttention,
  Sigmoid,
  Softmax,
  Softplus,
  Softsign,
  Upsample,
  Conv2d,
  Flatten,
  GELU,
  LSTM,
  LayerNorm,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  Tanh,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  Embedding,
} from '@chainrule/nn';
import { Rng } from '@chainrule/tensor';
import { describe, it } from 'vitest';
import { findPython } from '../../../tooling/python.js';
import { expectSameAsTorch } from './harness.js';

const py = findPython(['torch', 'safetensors']);
const skip = py.python === null ? ` (skipped: ${py.reason})` : '';
const live = it.skipIf(py.python === null);
const dtype = 'float64' as const;

/** An LSTM over a sequence, then a linear head on the last step's output. */
class LstmClassifier extends Module {
  readonly embed: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;
  constructor(rng: Rng) {
    super();
    this.embed = new Embedding(11, 5, { rng, dtype });
    this.lstm = new LSTM(5, 6, { numLayers: 2, batchFirst: true, rng, dtype });
    this.head = new Linear(6, 3, { rng, dtype });
    this.registerModule('embed', this.embed);
    this.registerModule('lstm', this.lstm);
    this.registerModule('head', this.head);
  }
  forward(tokens: Tensor): Tensor {
    const [out] = this.lstm.forward(this.embed.forward(tokens));
    return this.head.forward(select(out, 1, -1));
  }
}

const LSTM_FORWARD = `
def forward(self, tokens):
    out, _ = self.lstm(self.embed(tokens))
    return self.head(out[:, -1])
`;

describe(`toPyTorch: the exported module agrees with chainrule${skip}`, () => {
  live('an MLP, a CNN (conv, batch norm, pool, linear), an LSTM model and a transformer encoder', () => {
    const rng = new Rng(1);
    const mlp = new Sequential(new Linear(7, 16, { rng, dtype }), new Tanh(), new Linear(16, 4, { rng, dtype }));
    const cnn = new Sequential(
      new Conv2d(2, 4, 3, { padding: 1, rng, dtype }),
      new BatchNorm2d(4, { dtype }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 6, 3, { groups: 2, stride: 1, rng, dtype }),
      new GELU(),
      new Flatten(),
      new Linear(6 * 2 * 2, 3, { rng, dtype }),
    );
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, normFirst: true, rng, dtype });
    const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(8, { dtype }) });
    expectSameAsTorch(py.python!, [
      { name: 'mlp', model: mlp, x: randn([5, 7], { dtype, rng }) },
      { name: 'cnn', model: cnn, x: randn([3, 2, 8, 8], { dtype, rng }) },
      {
        name: 'lstm',
        model: new LstmClassifier(rng),
        x: randint(0, 11, [4, 6], { rng }),
        options: { forwards: { LstmClassifier: LSTM_FORWARD } },
      },
      { name: 'encoder', model: encoder, x: randn([5, 3, 8], { dtype, rng }) },
    ]);
  });

  live('the rest of the layer table: every layer keeps its hyperparameters', () => {
    const rng = new Rng(2);
    const o = { rng, dtype };
    const conv1d = new Sequential(
      new Conv1d(4, 6, 3, { groups: 2, padding: 'same', dilation: 2, ...o }),
      new MaxPool1d(2),
      new AvgPool1d(2, { stride: 1, padding: 1, countIncludePad: false }),
      new LeakyReLU(0.1),
      new Flatten(),
      new Linear(6 * 11, 5, o),
      new ELU(0.5),
      new Softplus(2, 10),
      new Softmax(-1),
    );
    const convT = new Sequential(
      new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, ...o }),
      new GroupNorm(3, 6, { dtype }),
      new InstanceNorm2d(6, { affine: true, dtype }),
      new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
      new AdaptiveAvgPool2d([2, 3]),
      new Sigmoid(),
      new Flatten(),
      new Linear(36, 4, o),
      new LogSoftmax(1),
    );
    const pools = new Sequential(
      new Conv2d(3, 4, 3, { stride: [1, 2], padding: [1, 0], ...o }),
      new MaxPool2d(2, { stride: 1, dilation: 2, ceilMode: true }),
      new AvgPool2d([2, 1], { padding: [1, 0], countIncludePad: false }),
      new AdaptiveMaxPool2d(2),
      new Softsign(),
      new Flatten(0, -1),
      new Dropout(0),
      new Identity(),
    );
    const tokens = new Sequential(
      new Embedding(10, 8, { paddingIdx: 0, ...o }),
      new TransformerEncoderLayer(8, 4, { dimFeedforward: 12, dropout: 0, activation: 'gelu', batchFirst: true, ...o }),
      new Flatten(),
      new Linear(40, 6, o),
      new BatchNorm1d(6, { dtype, momentum: 0.3 }),
      new GELU('tanh'),
    );
    const blocks = new RecurrentAttention(rng);
    expectSameAsTorch(py.python!, [
      { name: 'conv1d', model: conv1d, x: randn([2, 4, 20], { dtype, rng }) },
      { name: 'convT', model: convT, x: randn([2, 4, 3, 3], { dtype, rng }) },
      { name: 'pools', model: pools, x: randn([2, 3, 9, 12], { dtype, rng }) },
      { name: 'tokens', model: tokens, x: randint(0, 10, [3, 5], { rng }) },
      { name: 'blocks', model: blocks, x: randn([4, 2, 6], { dtype, rng }), options: { forwards: BLOCKS_FORWARD } },
    ]);
  });
});

/** A GRU, attention on its outputs, a ModuleList of linear layers and a transformer decoder: a custom forward. */
class RecurrentAttention extends Module {
  readonly gru: GRU;
  readonly attn: MultiheadAttention;
  readonly blocks: ModuleList<Linear>;
  readonly dec: TransformerDecoder;
  constructor(rng: Rng) {
    super();
    this.gru = new GRU(6, 8, { numLayers: 2, rng, dtype });
    this.attn = new MultiheadAttention(8, 2, { kdim: 5, vdim: 3, rng, dtype });
    this.blocks = new ModuleList([new Linear(8, 8, { rng, dtype }), new Linear(8, 2, { rng, dtype, bias: false })]);
    this.registerModule('gru', this.gru);
    this.registerModule('attn', this.attn);
    this.registerModule('blocks', this.blocks);
    const layer = new TransformerDecoderLayer(2, 1, { dimFeedforward: 4, dropout: 0, rng, dtype });
    this.dec = new TransformerDecoder(layer, 2, { norm: new LayerNorm(2, { dtype }) });
    this.registerModule('dec', this.dec);
  }
  forward(x: Tensor): Tensor {
    const [out] = this.gru.forward(x);
    const [a] = this.attn.forward(out, slice(out, 2, 0, 5), slice(out, 2, 0, 3));
    let h = a;
    for (const block of this.blocks) h = block.forward(h).tanh();
    return this.dec.forward(h, slice(h, 0, 1));
  }
}

const BLOCKS_FORWARD = {
  RecurrentAttention: `
def forward(self, x):
    out, _ = self.gru(x)
    h, _ = self.attn(out, out[..., :5], out[..., :3])
    for block in self.blocks:
        h = torch.tanh(block(h))
    return self.dec(h, h[1:])
`,
};
