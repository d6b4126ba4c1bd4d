import { type DecodedSafetensors, decodeSafetensors } from './decode.js';
import { type EncodeOptions, type TensorMap, encodeSafetensors } from './encode.js';
import { CheckpointError } from './errors.js';

export interface NodeFileApi {
  fs: typeof import('node:fs');
  path: typeof import('node:path');
  crypto: typeof import('node:crypto');
  os: typeof import('node:os');
}

/**
 * Node's fs, path, crypto and os, looked up when a file is actually read or written (no static
 * import), so @chainrule/nn also loads in browsers, where encodeSafetensors/decodeSafetensors work
 * on bytes.
 */
export function nodeFileApi(op: string): NodeFileApi {
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
    os: get('node:os') as NodeFileApi['os'],
  };
}

/** Checks that `path` is a non-empty string, as `op` needs it. */
function checkPath(op: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '')
    throw new CheckpointError(
      'input',
      `${op}: the path must be a non-empty string, got ${typeof path === 'string' ? 'an empty string' : typeof path}`,
    );
}

/**
 * A failed file-system step as a CheckpointError naming the path and the cause: problem `input`
 * for a path Node refuses outright (e.g. one with a NUL byte), `io` otherwise.
 */
function ioError(what: string, e: unknown): CheckpointError {
  const code = (e as { code?: unknown } | null)?.code;
  const problem = code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE' ? 'input' : 'io';
  const cause = e instanceof Error ? e.message : String(e);
  return new CheckpointError(problem, `${what}: ${cause}`, { cause: e });
}

/**
 * Temporary files of a save are named `.<name>.chainrule-<host>-<pid>-<random>.tmp`, beside the
 * target: `host` is 8 hex digits of a hash of the host name and `pid` the writer's process id, so a
 * later save can tell the left-overs of a process that is gone (see removeStaleTemps).
 */
const TEMP_PATTERN = /^\..+\.chainrule-([0-9a-f]{8})-(\d+)-[0-9a-f]{12}\.tmp$/;

/**
 * A temporary file not modified for this long (ms) is stale whoever wrote it: a live save writes
 * continuously and renames at once, so even a slow disk never leaves its own this old.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** A fresh name for a temporary file of a save of `name` by process `pid` (see TEMP_PATTERN). */
export function temporaryName(name: string, pid = process.pid): string {
  const api = nodeFileApi('saveSafetensors');
  return `.${name}.chainrule-${hostTag(api)}-${pid}-${api.crypto.randomBytes(6).toString('hex')}.tmp`;
}

function hostTag(api: NodeFileApi): string {
  let name = 'unknown';
  try {
    name = api.os.hostname();
  } catch {
    // keep 'unknown': then only the age rule removes other processes' files
  }
  return api.crypto.createHash('sha256').update(name).digest('hex').slice(0, 8);
}

/** Whether process `pid` of this host may still be running (only "no such process" says it is not). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code !== 'ESRCH';
  }
}

/**
 * Removes left-over temporary files of earlier saves from `dir`, and nothing else: regular files
 * named like ours (see TEMP_PATTERN) whose writer was a process of this host that has exited, or
 * that nobody has modified for STALE_TEMP_MS; and files of the older naming
 * `.<name>.<12 hex digits>.tmp` for the target `name` itself, by age only. Best effort: a file that
 * cannot be read or removed is left alone, and the save goes on. Returns the names removed.
 */
export function removeStaleTemps(dir: string, name: string, now = Date.now()): string[] {
  const api = nodeFileApi('saveSafetensors');
  const { fs, path } = api;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return []; // the save itself reports a folder it cannot use
  }
  const host = hostTag(api);
  const legacy = `.${name}.`;
  const removed: string[] = [];
  for (const entry of names) {
    const ours = TEMP_PATTERN.exec(entry);
    const old = ours === null && entry.startsWith(legacy) && /^[0-9a-f]{12}\.tmp$/.test(entry.slice(legacy.length));
    if (ours === null && !old) continue;
    const full = path.join(dir, entry);
    try {
      const st = fs.lstatSync(full);
      if (!st.isFile()) continue;
      const aged = now - st.mtimeMs > STALE_TEMP_MS;
      const pid = ours === null ? Number.NaN : Number(ours[2]);
      const orphan = ours !== null && ours[1] === host && pid !== process.pid && !processAlive(pid);
      if (!aged && !orphan) continue;
      fs.unlinkSync(full);
      removed.push(entry);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}

/**
 * Writes a safetensors file atomically: the bytes are encoded first (an encoding error touches
 * no file), written to a temporary file in the same folder, fsynced, then renamed over `path`.
 * If any step fails the temporary file is removed and a previous file at `path` is untouched.
 * Before writing, stale temporary files that killed saves left in the folder are removed
 * (`removeStaleTemps`).
 * @throws CheckpointError (problem `encode`, `input` for a path that is not a usable string, or
 * `io` naming the path and the file system's reason); a failed clean-up never hides it.
 * @example
 * ```ts
 * saveSafetensors('model.safetensors', { 'fc1.weight': w, 'fc1.bias': b }, { epoch: '10' });
 * ```
 */
export function saveSafetensors(
  path: string,
  tensors: TensorMap,
  metadata?: Readonly<Record<string, string>>,
  options?: EncodeOptions,
): void {
  checkPath('saveSafetensors', path);
  const bytes = encodeSafetensors(tensors, metadata, options);
  const api = nodeFileApi('saveSafetensors');
  const { fs, path: paths } = api;
  const dir = paths.dirname(path);
  const name = paths.basename(path);
  removeStaleTemps(dir, name);
  const tmp = paths.join(dir, temporaryName(name));
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw ioError(`could not write ${path} (creating a temporary file in ${dir})`, e);
  }
  let failure: CheckpointError | undefined;
  try {
    let at = 0;
    while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    fs.fsyncSync(fd);
  } catch (e) {
    failure = ioError(`could not write ${path} (writing ${bytes.length} bytes to ${tmp})`, e);
  }
  try {
    fs.closeSync(fd);
  } catch (e) {
    failure ??= ioError(`could not write ${path} (closing ${tmp})`, e);
  }
  if (failure === undefined) {
    try {
      fs.renameSync(tmp, path);
    } catch (e) {
      failure = ioError(`could not write ${path} (renaming the temporary file over it)`, e);
    }
  }
  if (failure !== undefined) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the error that matters is `failure`; a later save removes the file if this one could not
    }
    throw failure;
  }
  syncDirectory(fs, dir);
}

/** Makes the rename itself durable where the platform allows fsync on a folder. */
function syncDirectory(fs: NodeFileApi['fs'], dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // some platforms (Windows) cannot open or fsync a folder; the file itself is already synced
  } finally {
    try {
      if (fd !== undefined) fs.closeSync(fd);
    } catch {
      // the file is in place and synced; a folder handle that will not close changes nothing
    }
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
  checkPath('loadSafetensors', path);
  const { fs } = nodeFileApi('loadSafetensors');
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw ioError(`could not read ${path}`, e);
  }
  return decodeSafetensors(bytes);
}
