/**
 * A JS `RangeError` whose message names the function first, as chainrule's errors do:
 * `linePlot: width must be an integer >= 2, got 1`. (@chainrule/viz depends on no other package.)
 */
export function rangeError(op: string, detail: string): RangeError {
  return new RangeError(`${op}: ${detail}`);
}
