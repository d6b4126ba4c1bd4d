/**
 * Checkpoints of the CLI: the model's state dict in safetensors, with the architecture and the
 * training settings in `__metadata__` so that a checkpoint alone is enough to rebuild the model.
 */
import type { Tensor } from '@chainrule/autograd';
import {
  CheckpointError,
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  saveSafetensors,
} from '@chainrule/nn';
import { CliError, oneLine } from '../errors.js';
import { readUserFile } from '../io.js';
import { type Architecture, architectureFromMetadata, architectureMetadata } from './architecture.js';
import { Mlp } from './mlp.js';
import { type ArchitectureFlags, givenArchitecture, readPlainStateDict } from './plain-state-dict.js';

/** A model read back from a checkpoint, with everything its metadata said. */
export interface LoadedModel {
  model: Mlp;
  architecture: Architecture;
  metadata: Record<string, string>;
}

/** The checkpoint's bytes: the state dict with the architecture and `extra` as metadata. */
export function encodeModel(model: Mlp, extra: Readonly<Record<string, string>> = {}): Uint8Array {
  return encodeSafetensors(model.stateDict(), { ...extra, ...architectureMetadata(model.architecture) });
}

/**
 * Writes the model atomically (a temporary file renamed over `path`), with its architecture and
 * `extra` (training settings, results) as metadata. A previous file at `path` survives a failure.
 * @throws CliError when the file cannot be written.
 */
export function saveModel(path: string, model: Mlp, extra: Readonly<Record<string, string>> = {}): void {
  try {
    saveSafetensors(path, model.stateDict(), { ...extra, ...architectureMetadata(model.architecture) });
  } catch (e) {
    if (e instanceof CheckpointError) throw new CliError(`cannot write checkpoint '${path}': ${oneLine(e)}`);
    throw e;
  }
}

/** The largest checkpoint file `loadModel` reads. */
export const MAX_CHECKPOINT_BYTES = 1024 * 1024 * 1024;

/** Problems that mean the file is not safetensors at all (rather than a damaged one). */
const NOT_SAFETENSORS = new Set(['header-too-large', 'header-encoding', 'header-json']);

/**
 * Reads a checkpoint written by `saveModel` and rebuilds the model in evaluation mode. With
 * architecture `flags` (`--activation`, `--loss`, `--hidden`), a plain PyTorch state dict with no
 * chainrule metadata is read too (see plain-state-dict.ts).
 * @throws CliError for a missing, unreadable or oversized file, a file that is not (valid)
 * safetensors, metadata without a chainrule architecture, weights that do not fit that
 * architecture, or weights that are not all finite.
 */
export function loadModel(path: string, flags?: ArchitectureFlags): LoadedModel {
  const bytes = readUserFile(path, 'checkpoint', MAX_CHECKPOINT_BYTES);
  let decoded: DecodedSafetensors;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (e) {
    // decoding is a function of the file's bytes alone: whatever goes wrong is about the file
    const detail = oneLine(e).replace(/^safetensors: /, '');
    const notAtAll =
      e instanceof CheckpointError &&
      (NOT_SAFETENSORS.has(e.problem) || (e.problem === 'truncated' && bytes.length < 8));
    throw new CliError(`checkpoint '${path}' is not a ${notAtAll ? '' : 'valid '}safetensors file: ${detail}`);
  }
  let architecture: Architecture;
  if (decoded.metadata.format === undefined && flags !== undefined && givenArchitecture(flags)) {
    const plain = readPlainStateDict(decoded.tensors, flags, path);
    architecture = plain.architecture;
    decoded = { ...decoded, tensors: plain.tensors };
  } else {
    if (flags !== undefined && givenArchitecture(flags))
      throw new CliError(
        `checkpoint '${path}' has its architecture in its metadata; --activation, --loss and --hidden ` +
          'are only for a plain PyTorch state dict',
      );
    architecture = architectureFromMetadata(decoded.metadata, path);
  }
  checkWeightShapes(architecture, decoded.tensors, path);
  checkFinite(decoded.tensors, path);
  const model = new Mlp(architecture);
  try {
    model.loadStateDict(decoded.tensors);
  } catch (e) {
    throw new CliError(`checkpoint '${path}' does not fit its architecture: ${oneLine(e)}`);
  }
  model.eval();
  return { model, architecture, metadata: decoded.metadata };
}

/** Refuses a checkpoint with a NaN or infinite value in any tensor, naming the first one. */
function checkFinite(tensors: ReadonlyMap<string, Tensor>, path: string): void {
  for (const [name, tensor] of tensors) {
    const a = tensor.value.contiguous();
    for (let i = 0; i < a.size; i++) {
      const v = Number(a.data[a.offset + i]);
      if (!Number.isFinite(v))
        throw new CliError(`checkpoint '${path}' has a non-finite weight: ${name} holds ${v} at element ${i}`);
    }
  }
}

/** Checks the weight shapes against the architecture before allocating a model for it. */
function checkWeightShapes(
  arch: Architecture,
  tensors: ReadonlyMap<string, { shape: readonly number[] }>,
  path: string,
): void {
  const sizes = [arch.inputs, ...arch.hidden, arch.classes];
  for (let i = 1; i < sizes.length; i++) {
    const name = `fc${i}.weight`;
    const shape = tensors.get(name)?.shape;
    const expected = [sizes[i]!, sizes[i - 1]!];
    if (shape === undefined)
      throw new CliError(`checkpoint '${path}' does not fit its architecture: no tensor '${name}'`);
    if (shape.length !== 2 || shape[0] !== expected[0] || shape[1] !== expected[1]) {
      throw new CliError(
        `checkpoint '${path}' does not fit its architecture: '${name}' has shape [${shape.join(', ')}], ` +
          `expected [${expected.join(', ')}]`,
      );
    }
  }
}
