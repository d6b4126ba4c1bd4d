/**
 * A small transformer learns to reverse strings of digits (7 4 1 9 0 2 → 2 0 9 1 4 7) and to sort
 * them (7 4 1 9 0 2 → 0 1 2 4 7 9). To reverse, each output position must find the input position
 * mirrored to it, which attention with positional embeddings does in one step; to sort, each
 * position must count how many digits are smaller than each candidate, which takes longer to learn.
 *
 * The model: token embeddings plus learned positional embeddings, a 2-layer pre-norm
 * TransformerEncoder (dModel 32, 4 heads, feed-forward 64, batchFirst), and a linear read-out to
 * the 10 digits at every position, trained with Adam and the cross-entropy on fresh seeded batches.
 * The yardstick is chance: a token accuracy of 10%, a whole-sequence accuracy of 10⁻⁶.
 * Measured (seed 0, 1,000 fresh test strings): reversing, 100% of the strings right after 200 steps;
 * sorting, 99.97% of the digits and 99.9% of the strings after 600.
 *
 * Run: npx tsc -b packages/nn && npx tsx examples/transformer.ts
 */
import {
  Adam,
  Embedding,
  Linear,
  Module,
  TransformerEncoder,
  TransformerEncoderLayer,
  crossEntropy,
} from '@chainrule/nn';
import { linePlot } from '@chainrule/viz';
import { type Tensor, arange, argmax, noGrad, reshape, tensor } from '@chainrule/autograd';
import { Rng } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';

/** Digits in, digit logits out: int32 [N, L] → [N, L, 10]. */
export class DigitTransformer extends Module {
  readonly embed: Embedding;
  readonly position: Embedding;
  readonly encoder: TransformerEncoder;
  readonly head: Linear;
  constructor(
    readonly length: number,
    dModel: number,
    rng: Rng,
  ) {
    super();
    this.embed = new Embedding(10, dModel, { rng });
    this.position = new Embedding(length, dModel, { rng });
    const layer = new TransformerEncoderLayer(dModel, 4, {
      dimFeedforward: 2 * dModel,
      dropout: 0,
      batchFirst: true,
      normFirst: true,
      rng,
    });
    this.encoder = new TransformerEncoder(layer, 2);
    this.head = new Linear(dModel, 10, { rng });
  }
  forward(tokens: Tensor): Tensor {
    const positions = this.position.forward(arange(0, this.length, 1, { dtype: 'int32' }));
    return this.head.forward(this.encoder.forward(this.embed.forward(tokens).add(positions)));
  }
}

/** The two tasks: reverse the string, or sort its digits. */
export type DigitTask = 'reverse' | 'sort';

/** What to run. */
export interface TransformerOptions {
  /** 'reverse' (default) or 'sort'. */
  task?: DigitTask;
  /** Digits per string (default 6), model width (default 32), steps (default 600), batch (default 64). */
  length?: number;
  dModel?: number;
  steps?: number;
  batch?: number;
  lr?: number;
  seed?: number;
}

/** The run's results. */
export interface TransformerRun {
  /** Mean training loss over each tenth of the run. */
  losses: number[];
  /** On 1,000 fresh test strings: the fraction of digits right, and of whole strings right. */
  tokenAccuracy: number;
  sequenceAccuracy: number;
  /** A few test strings with the model's answers. */
  samples: { input: number[]; output: number[] }[];
}

/** n random digit strings [n, length] (int32) and their answers: reversed or sorted. */
export function digitTask(
  task: DigitTask,
  length: number,
  n: number,
  rng: Rng,
): { x: Tensor; y: Tensor; digits: number[][] } {
  const digits = Array.from({ length: n }, () => Array.from({ length }, () => rng.int(0, 10)));
  const answers = digits.map((d) => (task === 'sort' ? [...d].sort((a, b) => a - b) : [...d].reverse()));
  return {
    x: tensor(digits, { dtype: 'int32' }),
    y: tensor(answers, { dtype: 'int32' }),
    digits,
  };
}

/** Trains the model on a digit task and measures it on fresh strings. */
export function trainDigitTransformer(options: TransformerOptions = {}): TransformerRun {
  const { task = 'reverse', length = 6, dModel = 32, steps = 600, batch = 64, lr = 3e-3, seed = 0 } = options;
  const model = new DigitTransformer(length, dModel, new Rng(seed));
  const optimizer = new Adam(model.parameters(), { lr });
  const data = new Rng(seed + 1);
  const losses: number[] = [];
  const chunk = Math.max(1, Math.floor(steps / 10));
  let acc = 0;
  for (let step = 1; step <= steps; step++) {
    const { x, y } = digitTask(task, length, batch, data);
    optimizer.zeroGrad();
    const loss = crossEntropy(reshape(model.forward(x), [-1, 10]), reshape(y, [-1]));
    loss.backward();
    optimizer.step();
    acc += loss.item();
    if (step % chunk === 0) {
      losses.push(acc / chunk);
      acc = 0;
    }
  }
  model.eval();
  const test = digitTask(task, length, 1000, new Rng(seed + 2));
  const predicted = noGrad(() => argmax(model.forward(test.x), -1).toArray() as number[][]);
  const truth = test.y.toArray() as number[][];
  let tokens = 0;
  let sequences = 0;
  predicted.forEach((p, i) => {
    const right = p.filter((d, j) => d === truth[i]![j]).length;
    tokens += right;
    if (right === length) sequences++;
  });
  return {
    losses,
    tokenAccuracy: tokens / (1000 * length),
    sequenceAccuracy: sequences / 1000,
    samples: [0, 1, 2, 3].map((i) => ({ input: test.digits[i]!, output: predicted[i]! })),
  };
}

if (isMain(import.meta.url)) {
  console.log('Strings of 6 random digits. Chance: 10% of digits right, 1 string in a million.');
  console.log('2-layer pre-norm transformer encoder, dModel 32, 4 heads; Adam lr 3e-3, batches of 64 fresh strings.\n');
  for (const [task, steps] of [
    ['reverse', 200],
    ['sort', 600],
  ] as const) {
    const run = trainDigitTransformer({ task, steps });
    console.log(
      linePlot([{ name: 'cross-entropy', values: run.losses }], {
        title: `${task}: training loss over ${steps} steps, each tenth of the run`,
        height: 8,
        width: 60,
      }),
    );
    console.log(
      `${task}, test on 1,000 fresh strings: ${(100 * run.tokenAccuracy).toFixed(2)}% of digits, ` +
        `${(100 * run.sequenceAccuracy).toFixed(1)}% of whole strings right`,
    );
    for (const s of run.samples) console.log(`  ${s.input.join(' ')}  →  ${s.output.join(' ')}`);
    console.log('');
  }
}
