/**
 * Checkpoints: a model's parameters and buffers, and optionally an optimizer's state, in
 * safetensors. Model tensors keep their own names, so the model's file is a plain state dict for
 * other tools (PyTorch's strict `load_state_dict` takes it as it is). On disk, the optimizer's
 * state goes to a companion file (checkpoint-files.ts); in bytes (`encodeCheckpoint`) it shares the
 * one buffer. Either way its tensors are named `optimizer.state.<i>.<name>` and its
 * hyperparameters and scalar state (step counts) are JSON in `__metadata__`.
 */
import type { Tensor } from '@chainrule/autograd';
import type { AnyModule } from '../module.js';
import type { Hyperparameters, Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { CheckpointError } from '../serialization/errors.js';
import { decodeSafetensors } from '../serialization/decode.js';
import { encodeSafetensors, setOwn } from '../serialization/encode.js';
import { loadCheckpointFiles, saveCheckpointFiles } from './checkpoint-files.js';
import type { SafetensorsDType } from '../serialization/dtypes.js';
import { type LoadCheckpointOptions, castToModel, reportCasts } from './load-cast.js';

const FORMAT_KEY = 'chainrule.format';
const FORMAT = 'checkpoint/1';
const OPTIMIZER_KEY = 'chainrule.optimizer';
const PREFIX = 'optimizer.state.';

/** What the optimizer part of the metadata holds. */
interface OptimizerMeta {
  name: string;
  paramGroups: OptimizerStateDict['paramGroups'];
  /** Numeric state per parameter index, e.g. { "0": { "step": 3 } }. */
  scalars: Record<string, Record<string, number>>;
}

/** JSON cannot hold NaN or ±Infinity: they travel as strings. */
const replacer = (_: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const revive = (v: unknown): unknown =>
  v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;

function checkpointContents(
  model: AnyModule,
  optimizer: Optimizer<Hyperparameters> | undefined,
  metadata: Readonly<Record<string, string>>,
): [Map<string, Tensor>, Record<string, string>] {
  const tensors = new Map<string, Tensor>();
  for (const [k, v] of model.stateDict()) {
    if (k.startsWith('optimizer.'))
      throw new CheckpointError(
        'encode',
        `model key "${k}" uses the "optimizer." prefix that checkpoints reserve for optimizer state`,
      );
    tensors.set(k, v);
  }
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (k.startsWith('chainrule.'))
      throw new CheckpointError('encode', `metadata key "${k}" uses the reserved "chainrule." prefix`);
    setOwn(meta, k, v);
  }
  meta[FORMAT_KEY] = FORMAT;
  if (optimizer !== undefined) {
    const dict = optimizer.stateDict();
    const scalars: OptimizerMeta['scalars'] = {};
    for (const [index, state] of Object.entries(dict.state)) {
      for (const [name, value] of Object.entries(state)) {
        if (typeof value === 'number') {
          scalars[index] ??= {};
          scalars[index][name] = value;
        } else tensors.set(`${PREFIX}${index}.${name}`, value);
      }
    }
    const info: OptimizerMeta = { name: optimizer.name, paramGroups: dict.paramGroups, scalars };
    meta[OPTIMIZER_KEY] = JSON.stringify(info, replacer);
  }
  return [tensors, meta];
}

/**
 * The checkpoint as bytes (see `saveCheckpoint`).
 * @throws CheckpointError (problem `encode`) for reserved names.
 */
export function encodeCheckpoint(
  model: AnyModule,
  optimizer?: Optimizer<Hyperparameters>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const [tensors, meta] = checkpointContents(model, optimizer, metadata);
  return encodeSafetensors(tensors, meta);
}

/**
 * Saves the model's state dict, with string metadata (keys starting with `chainrule.` are
 * reserved), to a safetensors file, atomically; the optimizer's state, when given, goes to a
 * companion file `<file>.optimizer-<id>.safetensors` beside it, written first, so the model's file
 * stays a plain state dict and a crash never leaves a mismatched pair.
 * @example
 * ```ts
 * saveCheckpoint('run.safetensors', model, optimizer, { epoch: '12' });
 * const meta = loadCheckpoint('run.safetensors', model, optimizer); // { epoch: '12' }
 * ```
 */
export function saveCheckpoint(
  path: string,
  model: AnyModule,
  optimizer?: Optimizer<Hyperparameters>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  const [tensors, meta] = checkpointContents(model, optimizer, metadata);
  saveCheckpointFiles(path, tensors, meta, OPTIMIZER_KEY, FORMAT_KEY);
}

function parseOptimizerMeta(text: string | undefined): OptimizerMeta {
  if (text === undefined) throw new CheckpointError('metadata', 'the checkpoint holds no optimizer state');
  let info: unknown;
  try {
    info = JSON.parse(text, (_, v: unknown) => revive(v));
  } catch (e) {
    throw new CheckpointError('metadata', `the optimizer metadata is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const o = info as Partial<OptimizerMeta> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.name !== 'string' ||
    !Array.isArray(o.paramGroups) ||
    typeof o.scalars !== 'object' ||
    o.scalars === null ||
    !o.paramGroups.every(
      (g) =>
        typeof g === 'object' &&
        g !== null &&
        Array.isArray(g.params) &&
        typeof g.options === 'object' &&
        g.options !== null,
    )
  ) {
    throw new CheckpointError('metadata', 'the optimizer metadata lacks name, paramGroups or scalars');
  }
  for (const [index, scalars] of Object.entries(o.scalars as Record<string, unknown>)) {
    if (!/^(0|[1-9]\d*)$/.test(index))
      throw new CheckpointError('metadata', `the optimizer scalars name parameter "${index}", expected an index`);
    if (scalars === null || typeof scalars !== 'object' || Array.isArray(scalars))
      throw new CheckpointError('metadata', `the optimizer scalars of parameter ${index} must be an object of numbers`);
    for (const [name, v] of Object.entries(scalars)) {
      if (typeof v !== 'number')
        throw new CheckpointError(
          'metadata',
          `the optimizer scalar "${name}" of parameter ${index} must be a number, ` +
            `got ${v === null ? 'null' : typeof v}`,
        );
    }
  }
  return o as OptimizerMeta;
}

/**
 * Restores a checkpoint from bytes into `model` (and `optimizer`), all or nothing: the file is
 * validated, then the model's state dict and the optimizer's state are both checked, and only
 * then written. Returns the user metadata. A tensor whose dtype in the file differs from the
 * model's (a float16 or float64 weight, an int64 counter written by PyTorch) is cast to the
 * model's dtype and the cast is reported on the console; `{ cast: 'allow' }` casts quietly,
 * `{ cast: 'error' }` refuses (see `CastMode`).
 * @throws CheckpointError for a truncated, corrupted or foreign file, or a refused cast; StateDictError when the
 * model does not match; ModuleError / ShapeError when the optimizer does not.
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  model: AnyModule,
  optimizer?: Optimizer<Hyperparameters>,
  options: LoadCheckpointOptions = {},
): Record<string, string> {
  return restore('decodeCheckpoint', decodeSafetensors(bytes), model, optimizer, options);
}

/** Loads a checkpoint file written by `saveCheckpoint` (see `decodeCheckpoint`). */
export function loadCheckpoint(
  path: string,
  model: AnyModule,
  optimizer?: Optimizer<Hyperparameters>,
  options: LoadCheckpointOptions = {},
): Record<string, string> {
  return restore(
    'loadCheckpoint',
    loadCheckpointFiles(path, optimizer !== undefined, OPTIMIZER_KEY),
    model,
    optimizer,
    options,
  );
}

interface Decoded {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
  dtypes: Map<string, SafetensorsDType>;
}

function restore(
  op: string,
  { tensors, metadata, dtypes }: Decoded,
  model: AnyModule,
  optimizer: Optimizer<Hyperparameters> | undefined,
  options: LoadCheckpointOptions,
): Record<string, string> {
  if (metadata[FORMAT_KEY] !== undefined && metadata[FORMAT_KEY] !== FORMAT) {
    throw new CheckpointError(
      'metadata',
      `unsupported checkpoint format "${metadata[FORMAT_KEY]}" (this version reads "${FORMAT}")`,
    );
  }
  const modelState = new Map<string, Tensor>();
  const optimizerTensors = new Map<string, Tensor>();
  for (const [k, v] of tensors) (k.startsWith('optimizer.') ? optimizerTensors : modelState).set(k, v);
  const casts = castToModel(op, modelState, dtypes, model, options.cast ?? 'warn');
  const commitModel = model.prepareLoadStateDict(modelState);
  let commitOptimizer = (): void => {};
  if (optimizer !== undefined) {
    const info = parseOptimizerMeta(metadata[OPTIMIZER_KEY]);
    if (info.name !== optimizer.name)
      throw new CheckpointError('metadata', `the checkpoint holds ${info.name} state, not ${optimizer.name}`);
    const state: Record<string, ParamState> = {};
    for (const [index, scalars] of Object.entries(info.scalars)) state[index] = { ...scalars };
    for (const [key, value] of optimizerTensors) {
      const m = /^optimizer\.state\.(\d+)\.(.+)$/.exec(key);
      if (m === null) throw new CheckpointError('entry', `unexpected optimizer tensor "${key}"`);
      const index = m[1]!;
      state[index] ??= {};
      state[index][m[2]!] = value;
    }
    commitOptimizer = optimizer.prepareLoadStateDict({ state, paramGroups: info.paramGroups });
  }
  commitModel();
  commitOptimizer();
  if ((options.cast ?? 'warn') === 'warn') reportCasts(op, casts);
  const user: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (!k.startsWith('chainrule.')) setOwn(user, k, v);
  return user;
}
