import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type DecodedSafetensors, decodeSafetensors } from './decode.js';
import { type TensorMap, encodeSafetensors } from './encode.js';
import { CheckpointError } from './errors.js';

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
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
  syncDirectory(dir);
}

/** Makes the rename itself durable where the platform allows fsync on a folder. */
function syncDirectory(dir: string): void {
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
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CheckpointError('io', `could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return decodeSafetensors(bytes);
}
