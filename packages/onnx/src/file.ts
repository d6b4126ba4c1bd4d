/** `saveOnnx`: `toOnnx`'s bytes written atomically (a temporary file beside the target, synced, then renamed). */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '@chainrule/autograd';
import type { AnyModule } from '@chainrule/nn';
import { OnnxExportError } from './errors.js';
import { type OnnxExportOptions, toOnnx } from './export.js';

/**
 * Exports `model` (see `toOnnx`) and writes the file at `path` atomically: readers see the old file
 * or the whole new one, never a part; nothing is written when the export fails.
 * @throws OnnxExportError (op `saveOnnx`) naming the path and the file system's reason.
 * @example
 * ```ts
 * import { randn } from '@chainrule/autograd';
 * import { Linear } from '@chainrule/nn';
 * import { saveOnnx } from '@chainrule/onnx';
 * saveOnnx('linear.onnx', new Linear(4, 2), randn([1, 4]), { dynamicAxes: { input: [0] } });
 * ```
 */
export function saveOnnx(
  path: string,
  model: AnyModule,
  exampleInputs: Tensor | readonly Tensor[],
  options: OnnxExportOptions = {},
): void {
  if (typeof path !== 'string' || path === '')
    throw new OnnxExportError('saveOnnx', `path must be a non-empty string, got ${JSON.stringify(path)}`);
  const bytes = toOnnx(model, exampleInputs, options);
  const tmp = join(dirname(path), `.${basename(path)}.chainrule-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw new OnnxExportError('saveOnnx', `could not write ${path}: ${(e as Error).message}`);
  }
  try {
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
    throw new OnnxExportError('saveOnnx', `could not write ${path}: ${(e as Error).message}`);
  }
}
