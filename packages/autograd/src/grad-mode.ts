/** Whether ops record the graph. On by default; `noGrad` turns it off for a block. */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** @internal Turns recording on or off; returns the previous setting (for the engine, which restores it). */
export function setGradEnabled(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const before = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/**
 * Runs `fn` without recording the graph: results need no grad and in-place updates of
 * parameters are allowed. Synchronous only: an async callback would leave the mode on
 * only until its first `await`.
 * @example
 * ```ts
 * noGrad(() => w.subInPlace(w.grad!.mul(0.1)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
