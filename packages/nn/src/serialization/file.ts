import { type DecodedSafetensors, decodeSafetensors } from './decode.js';
import { type TensorMap, encodeSafetensors } from './encode.js';
import { CheckpointError } from './errors.js';

interface NodeFileApi {
  fs: typeof import('node:fs');
  path: typeof import('node:path');
  crypto: typeof import('node:crypto');
}

/**
 * Node's fs, path and crypto, looked up when a file is actually read or written (no static import),
 * so @chainrule/nn also loads in browsers, where encodeSafetensors/decodeSafetensors work on bytes.
 */
function nodeFileApi(op: string): NodeFileApi {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new CheckpointError(
      'io',
      `${op} needs Node's file system (Node 20.16 or later); in a browser, ` +
        `use encodeSafetensors / decodeSafetensors on bytes`,
    );
  }
  return {
    fs: get('node:fs') as NodeFileApi['fs'],
    path: get('node:path') as NodeFileApi['path'],
    crypto: get('node:crypto') as NodeFileApi['crypto'],
  };
}

/**
 * Writes a safetensors file atomically: the bytes are encoded first (an encoding error touches
 * no file), written to a temporary file in the same folder, fsynced, then renamed over `path`.
 * If any step fails the temporary file is removed and a previous file at `path` is untouched.
 * @throws CheckpointError (problem `encode` or `io`).
 * @example
 * ```ts
 * saveSafetensors('model.safetensors', { 'fc1.weight': w, 'fc1.bias': b }, { epoch: '10' });
 * ```
 */
export function saveSafetensors(path: string, tensors: TensorMap, metadata?: Readonly<Record<string, string>>): void {
  const bytes = encodeSafetensors(tensors, metadata);
  const { fs, path: paths, crypto } = nodeFileApi('saveSafetensors');
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = fs;
  const dir = paths.dirname(path);
  const tmp = paths.join(dir, `.${paths.basename(path)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CheckpointError('io', `could not write ${path}: ${(e as Error).message}`, { cause: e });
  }
  syncDirectory(fs, dir);
}

/** Makes the rename itself durable where the platform allows fsync on a folder. */
function syncDirectory(fs: NodeFileApi['fs'], dir: string): void {
  const { closeSync, fsyncSync, openSync } = fs;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms (Windows) cannot open or fsync a folder; the file itself is already synced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads and validates a safetensors file (see `decodeSafetensors`).
 * @throws CheckpointError (problem `io` when the file cannot be read).
 * @example
 * ```ts
 * const { tensors, metadata } = loadSafetensors('model.safetensors');
 * ```
 */
export function loadSafetensors(path: string): DecodedSafetensors {
  const { fs } = nodeFileApi('loadSafetensors');
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw new CheckpointError('io', `could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return decodeSafetensors(bytes);
}
