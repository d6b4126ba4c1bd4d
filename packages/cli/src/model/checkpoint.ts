/**
 * Checkpoints of the CLI: the model's state dict in safetensors, with the architecture and the
 * training settings in `__metadata__` so that a checkpoint alone is enough to rebuild the model.
 */
import { CheckpointError, StateDictError, encodeSafetensors, loadSafetensors, saveSafetensors } from '@chainrule/nn';
import { existsSync } from 'node:fs';
import { CliError, oneLine } from '../errors.js';
import { type Architecture, architectureFromMetadata, architectureMetadata } from './architecture.js';
import { Mlp } from './mlp.js';

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

/**
 * Reads a checkpoint written by `saveModel` and rebuilds the model in evaluation mode.
 * @throws CliError for a missing file, a file that is not valid safetensors, metadata without
 * a chainrule architecture, or weights that do not fit that architecture.
 */
export function loadModel(path: string): LoadedModel {
  if (!existsSync(path)) throw new CliError(`checkpoint '${path}' does not exist`);
  let decoded: ReturnType<typeof loadSafetensors>;
  try {
    decoded = loadSafetensors(path);
  } catch (e) {
    if (e instanceof CheckpointError)
      throw new CliError(
        `checkpoint '${path}' is not a valid safetensors file: ${oneLine(e).replace(/^safetensors: /, '')}`,
      );
    throw e;
  }
  const architecture = architectureFromMetadata(decoded.metadata, path);
  checkWeightShapes(architecture, decoded.tensors, path);
  const model = new Mlp(architecture);
  try {
    model.loadStateDict(decoded.tensors);
  } catch (e) {
    if (e instanceof StateDictError)
      throw new CliError(`checkpoint '${path}' does not fit its architecture: ${oneLine(e)}`);
    throw e;
  }
  model.eval();
  return { model, architecture, metadata: decoded.metadata };
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
