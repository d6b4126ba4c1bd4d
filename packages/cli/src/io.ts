import type { TextSink } from '@chainrule/viz';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CliError, oneLine } from './errors.js';

/**
 * Where a command writes: human-readable results on `stdout`, progress and errors on `stderr`.
 * Tests pass string buffers; the binary passes the process streams.
 */
export interface Io {
  stdout: TextSink;
  stderr: TextSink;
}

/** A stream that reports write errors as 'error' events, as process.stdout and process.stderr do. */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Errors that mean the reader went away, e.g. `chainrule eval ckpt | head -3`: the output is no longer wanted. */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Makes a closed reader end the output quietly: EPIPE on `stream` is swallowed instead of
 * crashing the process with an unhandled 'error' event and a stack trace, and the exit code
 * stays the command's. Any other write error (a full disk) is passed to `onOther`.
 */
export function endQuietlyOnClosedPipe(stream: ErrorEmitter, onOther: (error: Error) => void): void {
  stream.on('error', (error) => {
    if (!READER_GONE.has((error as NodeJS.ErrnoException).code ?? '')) onOther(error);
  });
}

let guarded = false;

/** The process's own streams; a closed pipe on either ends the output quietly. */
export function processIo(): Io {
  if (!guarded) {
    guarded = true;
    const fail = (error: Error): void => {
      process.exitCode = 2;
      process.stderr.write(`chainrule: cannot write the output: ${oneLine(error)}\n`);
    };
    endQuietlyOnClosedPipe(process.stdout, fail);
    endQuietlyOnClosedPipe(process.stderr, () => {
      process.exitCode = 2;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Writes `text` and a newline. */
export function println(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}

/**
 * Reads a file the user named, refusing before reading anything when it is missing, a folder,
 * not a regular file (a FIFO, a device such as /dev/zero) or over `maxBytes`.
 * @param what how messages name it, e.g. `checkpoint` or `image`.
 * @throws CliError naming the file and what is wrong.
 */
export function readUserFile(path: string, what: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    // non-blocking, so that opening a FIFO does not wait for a writer (it is refused below)
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || path === '') throw new CliError(`${what} '${path}' does not exist`);
    if (code === 'EISDIR') throw new CliError(`${what} '${path}' is a folder, expected a file`);
    throw new CliError(`cannot read ${what} '${path}': ${oneLine(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new CliError(`${what} '${path}' is a folder, expected a file`);
    if (!stat.isFile()) throw new CliError(`${what} '${path}' is not a regular file`);
    if (stat.size > maxBytes) {
      throw new CliError(
        `${what} '${path}' has ${stat.size.toLocaleString('en-US')} bytes, ` +
          `over the limit of ${maxBytes.toLocaleString('en-US')} bytes`,
      );
    }
    const bytes = new Uint8Array(stat.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${what} '${path}': ${oneLine(e)}`);
  } finally {
    closeSync(fd);
  }
}
