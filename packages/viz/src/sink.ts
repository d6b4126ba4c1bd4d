/** Where text output goes: `process.stdout`, `process.stderr`, or any object with `write`. */
export interface TextSink {
  write(chunk: string): unknown;
  /** True for an interactive terminal, where lines can be redrawn with `\r`. */
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
}
