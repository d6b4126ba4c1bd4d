/** Errors of the graph and the backward pass (wrong use of backward, freed graphs, in-place edits). */
export class AutogradError extends Error {
  override readonly name = 'AutogradError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}
