/**
 * What an exercise says after a wrong answer: the typical mistakes it recognises (half or double
 * the value, the sign, a transposed answer, the op's value instead of its derivative, σ instead of
 * σ′), so the student learns what went wrong and not only the right number.
 */

/** What a hint may compare the answer with. */
export interface HintContext {
  /** The op of the node the question is about (`sigmoid`, `mul`, ...), if any. */
  readonly op?: string;
  /** The node's own value, row-major (the op's output), for "the value, not the derivative". */
  readonly value?: readonly number[];
  /** The label of that node. */
  readonly label?: string;
  /** The shape of the answer, to recognise a transposed matrix. */
  readonly shape?: readonly number[];
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 5e-4 + 5e-3 * Math.abs(b);
const allClose = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => close(x, b[i]!));

/** The transpose of a row-major [r, c] matrix. */
function transposed(x: readonly number[], shape: readonly number[]): number[] | null {
  if (shape.length !== 2 || shape[0] === shape[1]) return null;
  const [r, c] = shape as [number, number];
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j]!;
  return out;
}

/** A hint naming the likely mistake, or null when the answer matches none of them. */
export function mistakeHint(
  given: readonly number[],
  expected: readonly number[],
  ctx: HintContext = {},
): string | null {
  if (expected.every((e) => e === 0)) return null;
  if (
    allClose(
      given,
      expected.map((e) => -e),
    )
  )
    return 'the sign is flipped: check each minus sign in the rule';
  if (
    allClose(
      given,
      expected.map((e) => e / 2),
    )
  )
    return 'half the right value: a factor 2 is missing (as in ∂(e²)/∂e = 2e)';
  if (
    allClose(
      given,
      expected.map((e) => 2 * e),
    )
  )
    return 'double the right value: a factor 2 too many, or one use counted twice';
  if (ctx.value !== undefined && allClose(given, ctx.value)) {
    if (ctx.op === 'sigmoid')
      return `that is σ(z) = ${ctx.label ?? 'the output'} itself; the derivative is σ′(z) = σ(z)(1 − σ(z))`;
    return `that is the value of ${ctx.label ?? 'the node'}, not its derivative`;
  }
  if (ctx.shape !== undefined && ctx.shape.length === 2) {
    const t = transposed(given, [ctx.shape[1]!, ctx.shape[0]!]); // the answer read as the transposed shape
    if (t !== null && allClose(t, expected)) return 'the transpose of the right answer: check the order of the factors';
  }
  return null;
}
