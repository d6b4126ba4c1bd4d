/**
 * `chainrule predict <checkpoint> <index | image>`: classifies one digit and shows it as ASCII
 * art with the class probabilities.
 */
import { Tensor, noGrad } from '@chainrule/autograd';
import { fromTypedArray } from '@chainrule/tensor';
import { UsageError, formatHelp, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { DIGIT_SIDE, INVERT_MODES, type InvertMode, readDigitFile } from '../image/digit.js';
import { type Io, println } from '../io.js';
import { IMAGE_SIZE, MNIST_SPLIT_SIZES } from '../mnist.js';
import { loadModel } from '../model/checkpoint.js';
import type { Mlp } from '../model/mlp.js';
import { asciiDigit, classBars } from '../report/ascii.js';
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

export const PREDICT_FLAGS = {
  ...PLAIN_STATE_DICT_FLAGS,
  split: { kind: 'choice', default: 'test', choices: SPLIT_PARTS, help: 'the part of the split an index refers to' },
  'split-seed': {
    kind: 'int',
    default: Number.NaN,
    defaultText: "the checkpoint's",
    help: 'seed of the train/validation/test split',
  },
  invert: {
    kind: 'choice',
    default: 'auto',
    choices: INVERT_MODES,
    help: 'invert an image file (auto: when its border is bright, i.e. a dark digit on white)',
  },
} as const;

export const PREDICT_USAGE = 'chainrule predict <checkpoint> <index | image.png | image.pgm> [options]';
export const PREDICT_DESCRIPTION = [
  'Classifies one digit with a checkpoint written by chainrule train and prints it as ASCII art with the',
  'probability of each class. The digit is either an index into the test split (0..999; --split picks',
  'another part) or a 28x28 image: PNG (any colour type and bit depth, interlaced or not) or PGM (P2 or',
  'P5). MNIST digits are white on black; a dark digit on white is inverted (see --invert).',
].join('\n');

/**
 * Class probabilities from the model's outputs for one digit: softmax of the logits for a
 * cross-entropy model; for sigmoid outputs (quadratic cost) each output in (0, 1) divided by
 * their sum.
 */
export function classProbabilities(model: Mlp, pixels: Float32Array): number[] {
  const outputs = noGrad(() =>
    model.forward(new Tensor(fromTypedArray(pixels, [1, pixels.length]))),
  ).value.contiguous();
  const values = Array.from(outputs.data.subarray(outputs.offset, outputs.offset + outputs.size), Number);
  if (model.architecture.output === 'sigmoid') {
    const total = values.reduce((a, b) => a + b, 0);
    return values.map((v) => v / total);
  }
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** An argument that reads as a number is an index into the split (name a file like that as ./3). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** An index must be a whole number within the split part. */
function checkIndex(what: string, part: SplitPart): void {
  const index = Number(what);
  const n = MNIST_SPLIT_SIZES[part];
  if (!Number.isInteger(index) || index < 0 || index >= n)
    throw new UsageError(`index ${what} is out of range for the ${part} split: expected a whole number in 0..${n - 1}`);
}

/** `chainrule predict`: returns the exit code. */
export function predictCommand(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(argv, PREDICT_FLAGS);
  if (parsed.help) {
    io.stdout.write(formatHelp(PREDICT_USAGE, PREDICT_DESCRIPTION, PREDICT_FLAGS));
    return 0;
  }
  const [path, what] = expectPositionals('predict', parsed.positional, ['checkpoint', 'index or image']) as [
    string,
    string,
  ];
  const part = parsed.flags.split as SplitPart;
  const isIndex = NUMBER.test(what);
  if (isIndex) checkIndex(what, part);
  const { model, architecture, metadata } = loadModel(path, architectureFlags(parsed.flags));
  checkMnistModel(architecture, path);
  let pixels: Float32Array;
  let source: string;
  let truth: number | undefined;
  if (isIndex) {
    const index = Number(what);
    const seed = splitSeedOf(parsed.flags['split-seed'], metadata);
    const { data } = splitPart(seed, part);
    const images = data.images.contiguous();
    pixels = Float32Array.from(
      images.data.subarray(images.offset + index * IMAGE_SIZE, images.offset + (index + 1) * IMAGE_SIZE),
    );
    truth = data.labels.get(index);
    source = `image ${index} of the ${part === 'val' ? 'validation' : part} split (split seed ${seed})`;
    const warning = splitSeedWarning(seed, metadata);
    if (warning !== undefined) source += `\n${warning}`;
  } else {
    const digit = readDigitFile(what, parsed.flags.invert as InvertMode);
    pixels = digit.pixels;
    source = `${what}${digit.inverted ? ' (inverted: dark digit on a light background)' : ''}`;
  }
  const probabilities = classProbabilities(model, pixels);
  if (probabilities.some((p) => !Number.isFinite(p)))
    throw new CliError(`checkpoint '${path}' produced non-finite outputs for this digit`);
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  const out = io.stdout;
  println(out, source);
  println(out, asciiDigit(pixels, DIGIT_SIDE));
  const truthNote = truth === undefined ? '' : `, true label ${truth}${truth === predicted ? ' ✓' : ' ✗'}`;
  println(out, `prediction: ${predicted} (${(100 * probabilities[predicted]!).toFixed(2)}%)${truthNote}`);
  println(
    out,
    architecture.output === 'sigmoid'
      ? 'class probabilities (sigmoid outputs divided by their sum):'
      : 'class probabilities (softmax of the outputs):',
  );
  println(out, classBars(probabilities));
  return 0;
}
