import type { TextSink } from '@chainrule/viz';

/**
 * Where a command writes: human-readable results on `stdout`, progress and errors on `stderr`.
 * Tests pass string buffers; the binary passes the process streams.
 */
export interface Io {
  stdout: TextSink;
  stderr: TextSink;
}

/** The process's own streams. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Writes `text` and a newline. */
export function println(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}
