/**
 * A checkpoint with an optimizer as two files, so the model's file is a plain state dict that
 * PyTorch's strict `load_state_dict` takes as it is: `run.safetensors` holds the model's tensors
 * (and names its companion in its metadata), `run.safetensors.optimizer-<id>.safetensors` the
 * optimizer's state. The companion is written first and the model's file renamed over the old one
 * last, so a crash at any point leaves the previous pair whole; superseded companions are removed.
 */
import type { Tensor } from '@chainrule/autograd';
import type { SafetensorsDType } from '../serialization/dtypes.js';
import { CheckpointError } from '../serialization/errors.js';
import { loadSafetensors, nodeFileApi, saveSafetensors } from '../serialization/file.js';

/** The model file's metadata key naming its optimizer companion. */
export const OPTIMIZER_FILE_KEY = 'chainrule.optimizer_file';

const COMPANION = /^(.+)\.optimizer-[0-9a-f]{12}\.safetensors$/;

/** What a checkpoint file decodes to (the model's and, merged in, its companion's). */
export interface DecodedCheckpoint {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
  dtypes: Map<string, SafetensorsDType>;
}

/**
 * Writes `tensors` and `meta` (as checkpoint.ts makes them) to `path`, the `optimizer.*` tensors and
 * `optimizerKey` metadata to a companion file when there are any.
 */
export function saveCheckpointFiles(
  path: string,
  tensors: ReadonlyMap<string, Tensor>,
  meta: Readonly<Record<string, string>>,
  optimizerKey: string,
  formatKey: string,
): void {
  const api = nodeFileApi('saveCheckpoint');
  const dir = api.path.dirname(path);
  const name = api.path.basename(path);
  const model = new Map<string, Tensor>();
  const optimizer = new Map<string, Tensor>();
  for (const [k, v] of tensors) (k.startsWith('optimizer.') ? optimizer : model).set(k, v);
  const optimizerMeta = meta[optimizerKey];
  if (optimizerMeta === undefined) {
    saveSafetensors(path, model, meta);
    removeCompanions(api, dir, name, null);
    return;
  }
  const companion = `${name}.optimizer-${api.crypto.randomBytes(6).toString('hex')}.safetensors`;
  const companionPath = api.path.join(dir, companion);
  saveSafetensors(companionPath, optimizer, { [formatKey]: meta[formatKey]!, [optimizerKey]: optimizerMeta });
  const modelMeta: Record<string, string> = { ...meta, [OPTIMIZER_FILE_KEY]: companion };
  delete modelMeta[optimizerKey];
  try {
    saveSafetensors(path, model, modelMeta);
  } catch (e) {
    try {
      api.fs.unlinkSync(companionPath); // the previous pair stays as it was
    } catch {
      // best effort: the next save removes it
    }
    throw e;
  }
  removeCompanions(api, dir, name, companion);
}

/** Removes the companions of `name` in `dir` but `keep` (best effort). */
function removeCompanions(api: ReturnType<typeof nodeFileApi>, dir: string, name: string, keep: string | null): void {
  let entries: string[];
  try {
    entries = api.fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === keep || COMPANION.exec(entry)?.[1] !== name) continue;
    try {
      api.fs.unlinkSync(api.path.join(dir, entry));
    } catch {
      // left for the next save
    }
  }
}

/**
 * Reads the checkpoint at `path`, and, when `withOptimizer` and the file names a companion, merges
 * the companion's optimizer tensors and metadata in. A single-file checkpoint (optimizer tensors
 * inside, as written before) reads as it always did.
 * @throws CheckpointError when the companion is missing, malformed, or not an optimizer file.
 */
export function loadCheckpointFiles(path: string, withOptimizer: boolean, optimizerKey: string): DecodedCheckpoint {
  const decoded = loadSafetensors(path);
  const companion = decoded.metadata[OPTIMIZER_FILE_KEY];
  if (!withOptimizer || companion === undefined) return decoded;
  const match = COMPANION.exec(companion);
  const api = nodeFileApi('loadCheckpoint');
  if (match === null || match[1] !== api.path.basename(path) || companion.includes('/') || companion.includes('\\'))
    throw new CheckpointError('metadata', `the checkpoint names an optimizer file "${companion}" that is not its own`);
  const companionPath = api.path.join(api.path.dirname(path), companion);
  let optimizer: DecodedCheckpoint;
  try {
    optimizer = loadSafetensors(companionPath);
  } catch (e) {
    throw new CheckpointError(
      'metadata',
      `the checkpoint's optimizer state "${companionPath}" cannot be read: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const tensors = new Map(decoded.tensors);
  const dtypes = new Map(decoded.dtypes);
  for (const [k, v] of optimizer.tensors) {
    if (!k.startsWith('optimizer.'))
      throw new CheckpointError('entry', `the optimizer file "${companion}" holds "${k}", not optimizer state`);
    tensors.set(k, v);
    dtypes.set(k, optimizer.dtypes.get(k)!);
  }
  const metadata = { ...decoded.metadata };
  const info = optimizer.metadata[optimizerKey];
  if (info !== undefined) metadata[optimizerKey] = info;
  return { tensors, metadata, dtypes };
}
