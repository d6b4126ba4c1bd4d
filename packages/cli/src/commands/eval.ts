/** `chainrule eval <checkpoint>`: accuracy, loss, confusion matrix and per-class precision, recall and F1. */
import { formatHelp, parseArgs } from '../args.js';
import { type Io, println } from '../io.js';
import { LOSSES, type LossName, layerSizes } from '../model/architecture.js';
import { loadModel } from '../model/checkpoint.js';
import { confusionTable } from '../report/ascii.js';
import { classificationLoss } from '../training/loss.js';
import { evaluateClassifier, percent } from '../training/metrics.js';
import {
  PLAIN_STATE_DICT_FLAGS,
  SPLIT_PARTS,
  type SplitPart,
  architectureFlags,
  checkMnistModel,
  expectPositionals,
  splitPart,
  splitSeedOf,
  splitSeedWarning,
} from './shared.js';

export const EVAL_FLAGS = {
  ...PLAIN_STATE_DICT_FLAGS,
  split: { kind: 'choice', default: 'test', choices: SPLIT_PARTS, help: 'which part of the split to evaluate on' },
  'split-seed': {
    kind: 'int',
    default: Number.NaN,
    defaultText: "the checkpoint's",
    help: 'seed of the train/validation/test split',
  },
} as const;

export const EVAL_USAGE = 'chainrule eval <checkpoint> [options]';
export const EVAL_DESCRIPTION =
  'Evaluates a checkpoint written by chainrule train on the MNIST split it was trained with ' +
  "(or --split-seed):\nprints the accuracy, the loss, and the confusion matrix with each class's precision, " +
  'recall and F1 and their macro averages.';

/** `chainrule eval`: returns the exit code. */
export function evalCommand(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(argv, EVAL_FLAGS);
  if (parsed.help) {
    io.stdout.write(formatHelp(EVAL_USAGE, EVAL_DESCRIPTION, EVAL_FLAGS));
    return 0;
  }
  const [path] = expectPositionals('eval', parsed.positional, ['checkpoint']) as [string];
  const { model, architecture, metadata } = loadModel(path, architectureFlags(parsed.flags));
  checkMnistModel(architecture, path);
  const part = parsed.flags.split as SplitPart;
  const seed = splitSeedOf(parsed.flags['split-seed'], metadata);
  const { data } = splitPart(seed, part);
  const loss: LossName = LOSSES.includes(metadata.loss as LossName)
    ? (metadata.loss as LossName)
    : architecture.output === 'sigmoid'
      ? 'mse'
      : 'ce';
  const result = evaluateClassifier(model, data, classificationLoss(loss, architecture.classes), architecture.classes);
  const out = io.stdout;
  println(out, `checkpoint: ${path}`);
  println(
    out,
    `model:      ${layerSizes(architecture)}, ${architecture.activation} hidden units, ${architecture.output} outputs`,
  );
  println(
    out,
    `data:       the ${part === 'val' ? 'validation' : part} split ` +
      `(${result.total.toLocaleString('en-US')} digits, split seed ${seed})`,
  );
  const warning = splitSeedWarning(seed, metadata);
  if (warning !== undefined) println(out, warning);
  println(out, `accuracy:   ${percent(result.accuracy)} (${result.correct} of ${result.total})`);
  println(out, `loss:       ${result.loss.toFixed(4)} (${loss === 'mse' ? 'quadratic cost' : 'cross-entropy'})`);
  println(out);
  println(out, confusionTable(result.confusion, result.classes));
  println(out, 'precision: of the digits predicted as the class, the share that are it; recall: of its digits,');
  println(out, 'the share predicted as it; f1: their harmonic mean; macro avg: their means over the classes');
  println(out, '(n/a: the class was never predicted, or has no digit here; left out of the means).');
  return 0;
}
