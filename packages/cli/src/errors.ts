/**
 * A problem the user can fix (a missing or corrupt checkpoint, an unreadable image, an output
 * path that cannot be written): `main` prints its message as one line on stderr and exits with 2.
 * @example
 * ```ts
 * throw new CliError(`cannot read checkpoint 'runs/x.safetensors': no such file`);
 * ```
 */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The message of anything thrown, flattened to one line. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s*\n\s*/g, ' | ').trim();
}
