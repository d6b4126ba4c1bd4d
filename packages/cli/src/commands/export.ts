/** `chainrule export <checkpoint> --format onnx <out.onnx>`: a checkpoint as a file other runtimes read. */
import { resolve } from 'node:path';
import { zeros } from '@chainrule/autograd';
import { saveOnnx } from '@chainrule/onnx';
import { formatHelp, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { type Io, println } from '../io.js';
import { layerSizes } from '../model/architecture.js';
import { loadModel } from '../model/checkpoint.js';
import { exportPyTorch } from './export-pytorch.js';
import { PLAIN_STATE_DICT_FLAGS, architectureFlags, expectPositionals } from './shared.js';

export const EXPORT_FLAGS = {
  ...PLAIN_STATE_DICT_FLAGS,
  format: { kind: 'choice', default: 'onnx', choices: ['onnx', 'pytorch'], help: 'the file format to write' },
  opset: { kind: 'int', default: 17, min: 13, max: 21, help: 'the ONNX opset (13 to 21)' },
} as const;

export const EXPORT_USAGE = 'chainrule export <checkpoint> --format onnx <out.onnx> | --format pytorch <dir> [options]';
export const EXPORT_DESCRIPTION =
  'Writes a checkpoint of chainrule train (or a plain state dict) as an ONNX model in its dtype (input `input` ' +
  '[batch, inputs], ' +
  'output `output` [batch, classes], the batch size free), for ONNX Runtime and other runtimes. ' +
  'The file is written atomically. --format pytorch writes <dir>/model.py, weights.safetensors and a ' +
  'DistributedDataParallel train.py for torchrun.';

/** `chainrule export`: returns the exit code. */
export function exportCommand(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(argv, EXPORT_FLAGS);
  if (parsed.help) {
    io.stdout.write(formatHelp(EXPORT_USAGE, EXPORT_DESCRIPTION, EXPORT_FLAGS));
    return 0;
  }
  const [path, out] = expectPositionals('export', parsed.positional, ['checkpoint', 'out.onnx']) as [string, string];
  if (resolve(out) === resolve(path)) throw new CliError(`the output ${out} is the checkpoint itself`);
  const loaded = loadModel(path, architectureFlags(parsed.flags));
  if (parsed.flags.format === 'pytorch') return exportPyTorch(path, out, loaded, io);
  const { model, architecture } = loaded;
  const batch = { 0: 'batch' };
  try {
    const dtype = model.parameters()[0]?.dtype ?? 'float32';
    saveOnnx(out, model, zeros([1, architecture.inputs], { dtype }), {
      opset: parsed.flags.opset,
      dynamicAxes: { input: batch, output: batch },
    });
  } catch (e) {
    throw new CliError(`cannot export ${path} to ${out}: ${e instanceof Error ? e.message : String(e)}`);
  }
  println(io.stdout, `checkpoint: ${path}`);
  println(io.stdout, `model:      ${layerSizes(architecture)}, ${architecture.activation} hidden units`);
  println(io.stdout, `onnx:       ${out} (opset ${parsed.flags.opset}, input [batch, ${architecture.inputs}])`);
  return 0;
}
