/**
 * @chainrule/cli: the `chainrule` command line (train, eval, predict) and its pieces: the MNIST
 * loader, the MLP it trains, checkpoints with the architecture in their metadata, and PNG/PGM
 * decoding.
 * @example
 * ```ts
 * import { main } from '@chainrule/cli';
 * process.exitCode = await main(['train', '--epochs', '5']);
 * ```
 */
export { main, topLevelHelp, cliVersion } from './main.js';
export { wrapText, terminalWidth } from './wrap.js';
export { type Io, processIo } from './io.js';
export { CliError } from './errors.js';
export {
  UsageError,
  parseArgs,
  formatHelp,
  type FlagSpec,
  type FlagSpecs,
  type FlagValues,
  type Parsed,
} from './args.js';
export {
  type MnistData,
  type MnistSplit,
  MNIST_SOURCE,
  MNIST_SPLIT_SIZES,
  IMAGE_SIZE,
  loadMnist,
  mnistSplit,
} from './mnist.js';
export {
  type Architecture,
  type ActivationName,
  type LossName,
  ACTIVATIONS,
  LOSSES,
  CHECKPOINT_FORMAT,
  architectureMetadata,
  architectureFromMetadata,
} from './model/architecture.js';
export { Mlp } from './model/mlp.js';
export { type LoadedModel, MAX_CHECKPOINT_BYTES, saveModel, loadModel } from './model/checkpoint.js';
export {
  type GrayImage,
  type ImageSize,
  type DecodeOptions,
  ImageFormatError,
  ImageTooLargeError,
  MAX_IMAGE_PIXELS,
} from './image/gray-image.js';
export { type PngHeader, decodePng, readPngHeader } from './image/png.js';
export { type PgmHeader, decodePgm, encodePgm, readPgmHeader } from './image/pgm.js';
export { readDigitFile, decodeImage, imageSize } from './image/digit.js';
export {
  type TrainResult,
  DEFAULT_EPOCHS,
  MAX_PARAMETERS,
  MAX_HIDDEN_LAYERS,
  parameterCount,
  runTraining,
} from './commands/train.js';
