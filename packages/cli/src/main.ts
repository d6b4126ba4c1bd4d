/** Entry point of `npx chainrule`; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`chainrule: not yet implemented (${argv.join(' ')})\n`);
  return 0;
}
