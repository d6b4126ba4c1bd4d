/**
 * Recurrent networks on a sequence task: read T numbers in [−1, 1), one per time step, and
 * output their sum. The network must carry a running total in its hidden state — a feed-forward net given one
 * number at a time could not. An Elman RNN (tanh) and an LSTM, each followed by a linear read-out
 * of the last hidden state, train on fresh random sequences with Adam and the mean squared error.
 *
 * The yardstick is the best constant guess, the expected sum 0, whose mean squared error is
 * the variance of the sum, T/3.
 *
 * Run: npx tsx examples/rnn.ts
 */
import { Adam, LSTM, Linear, Module, RNN, mseLoss } from '@chainrule/nn';
import { linePlot } from '@chainrule/viz';
import { Tensor, noGrad, select } from '@chainrule/autograd';
import { Rng, mul, rand, sub, sum } from '@chainrule/tensor';
import { isMain } from './lib/is-main.js';

/** A recurrent layer read out by a linear layer at the last time step: [T, N, 1] → [N, 1]. */
export class SequenceRegressor extends Module {
  readonly recurrent: RNN | LSTM;
  readonly head: Linear;
  constructor(kind: 'rnn' | 'lstm', hidden: number, rng: Rng) {
    super();
    this.recurrent = kind === 'rnn' ? new RNN(1, hidden, { rng }) : new LSTM(1, hidden, { rng });
    this.head = new Linear(hidden, 1, { rng });
  }
  forward(x: Tensor): Tensor {
    const [outputs] = this.recurrent.forward(x);
    return this.head.forward(select(outputs, 0, outputs.shape[0]! - 1));
  }
}

/** What to run. */
export interface RnnOptions {
  /**
   * Sequence length (default 10), hidden units (default 16), training steps (default 600),
   * sequences per step (default 32).
   */
  length?: number;
  hidden?: number;
  steps?: number;
  batch?: number;
  lr?: number;
  seed?: number;
}

/** One network's run. */
export interface RnnRun {
  name: string;
  /** Mean training loss over each tenth of the run. */
  losses: number[];
  /** Mean squared error on 1,000 fresh test sequences. */
  testMse: number;
  /** The constant-guess yardstick T/3. */
  baselineMse: number;
  /** The network's answers for a few test sequences, with the true sums. */
  samples: { sequence: number[]; sum: number; predicted: number }[];
}

/** Random sequences [T, N, 1] uniform in [−1, 1) and their sums [N, 1]. */
export function sumTask(length: number, n: number, rng: Rng): { x: Tensor; y: Tensor } {
  const x = sub(mul(rand([length, n, 1], { rng }), 2), 1);
  return { x: new Tensor(x), y: new Tensor(sum(x, 0)) };
}

/** Trains an Elman RNN and an LSTM on the sum task. */
export function trainRecurrent(options: RnnOptions = {}): RnnRun[] {
  const { length = 10, hidden = 16, steps = 600, batch = 32, lr = 0.01, seed = 0 } = options;
  const baselineMse = length / 3;
  return (['rnn', 'lstm'] as const).map((kind) => {
    const model = new SequenceRegressor(kind, hidden, new Rng(seed));
    const optimizer = new Adam(model.parameters(), { lr });
    const data = new Rng(seed + 1); // the same training sequences for both networks
    const losses: number[] = [];
    const chunk = Math.max(1, Math.floor(steps / 10));
    let acc = 0;
    for (let step = 1; step <= steps; step++) {
      const { x, y } = sumTask(length, batch, data);
      optimizer.zeroGrad();
      const loss = mseLoss(model.forward(x), y);
      loss.backward();
      optimizer.step();
      acc += loss.item();
      if (step % chunk === 0) {
        losses.push(acc / chunk);
        acc = 0;
      }
    }
    const test = sumTask(length, 1000, new Rng(seed + 2));
    const [testMse, predicted] = noGrad(() => {
      const pred = model.forward(test.x);
      return [mseLoss(pred, test.y).item(), pred.value] as const;
    });
    const samples = [0, 1, 2].map((i) => ({
      sequence: Array.from({ length }, (_, t) => test.x.value.get(t, i, 0)),
      sum: test.y.value.get(i, 0),
      predicted: predicted.get(i, 0),
    }));
    return {
      name: kind === 'rnn' ? `Elman RNN (tanh), ${hidden} units` : `LSTM, ${hidden} units`,
      losses,
      testMse,
      baselineMse,
      samples,
    };
  });
}

if (isMain(import.meta.url)) {
  console.log('Task: output the sum of 10 numbers drawn uniformly from [-1, 1), read one per step.');
  console.log(
    'Adam lr 0.01, 600 steps of 32 fresh sequences; yardstick: always guessing 0 has mean squared error 10/3 = 3.33.\n',
  );
  const runs = trainRecurrent();
  console.log(
    linePlot(
      runs.map((r) => ({ name: r.name, values: r.losses })),
      { title: 'training loss (MSE), each tenth of the run', height: 10, width: 60 },
    ),
  );
  console.log('');
  for (const r of runs) {
    console.log(
      `${r.name}: test MSE ${r.testMse.toFixed(4)} ` +
        `(${(r.baselineMse / r.testMse).toFixed(0)}x below the yardstick ${r.baselineMse.toFixed(3)})`,
    );
    for (const s of r.samples)
      console.log(
        `  [${s.sequence.map((v) => (v >= 0 ? ' ' : '') + v.toFixed(2)).join(' ')}] sum ${s.sum.toFixed(3)}, ` +
          `predicted ${s.predicted.toFixed(3)}`,
      );
  }
}
