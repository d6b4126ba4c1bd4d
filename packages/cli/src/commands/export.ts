/** `chainrule export <checkpoint> --format onnx <out.onnx>`: a checkpoint as a file other runtimes read. */
import { zeros } from '@chainrule/autograd';
import { saveOnnx } from '@chainrule/onnx';
import { formatHelp, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { type Io, println } from '../io.js';
import { layerSizes } from '../model/architecture.js';
import { loadModel } from '../model/checkpoint.js';
import { PLAIN_STATE_DICT_FLAGS, architectureFlags, expectPositionals } from './shared.js';

export const EXPORT_FLAGS = {
  ...PLAIN_STATE_DICT_FLAGS,
  format: { kind: 'choice', default: 'onnx', choices: ['onnx'], help: 'the file format to write' },
  opset: { kind: 'int', default: 17, min: 17, max: 21, help: 'the ONNX opset' },
} as const;

export const EXPORT_USAGE = 'chainrule export <checkpoint> --format onnx <out.onnx> [options]';
export const EXPORT_DESCRIPTION =
  'Writes a checkpoint of chainrule train as an ONNX model (float32; input `input` [batch, inputs], ' +
  'output `output` [batch, classes], the batch size free), for ONNX Runtime and other runtimes. ' +
  'The file is written atomically.';

/** `chainrule export`: returns the exit code. */
export function exportCommand(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(argv, EXPORT_FLAGS);
  if (parsed.help) {
    io.stdout.write(formatHelp(EXPORT_USAGE, EXPORT_DESCRIPTION, EXPORT_FLAGS));
    return 0;
  }
  const [path, out] = expectPositionals('export', parsed.positional, ['checkpoint', 'out.onnx']) as [string, string];
  const { model, architecture } = loadModel(path, architectureFlags(parsed.flags));
  const batch = { 0: 'batch' };
  try {
    saveOnnx(out, model, zeros([1, architecture.inputs]), {
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
