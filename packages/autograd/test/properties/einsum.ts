// Random einsum equations for the property tests, and a naive reference: the sum over every
// assignment of every subscript of the product of the operands' elements, written with loops.
//
// An equation has 1 to 3 operands of 0 to 3 subscripts from 'a'..'d' and 'Z' (repeats within an
// operand make diagonals), each with or without an ellipsis; its output is implicit or an explicit
// subset of the subscripts (in reverse order of first use). Each subscript gets a size 2..3; an
// operand's axis is 1 instead one time in five (broadcast), except for a repeated subscript.
// Ellipsis shapes broadcast (operandShapeArb).
import fc from 'fast-check';
import type { TensorData } from '../helpers/arbitraries.js';
import { dataArb, operandShapeArb, shapeArb, smooth } from '../helpers/arbitraries.js';

const LETTERS = ['a', 'b', 'c', 'd', 'Z'];

/** True one time in five (an axis broadcast from size 1). */
const rarely = fc.integer({ min: 0, max: 4 }).map((v) => v === 0);

/** One random einsum: its equation and its operands' data. */
export interface EinsumCase {
  readonly equation: string;
  readonly operands: readonly TensorData[];
}

interface Term {
  readonly letters: string[];
  readonly ellipsis: boolean;
}

const termArb: fc.Arbitrary<Term> = fc.record({
  letters: fc.array(fc.constantFrom(...LETTERS), { minLength: 0, maxLength: 3 }),
  ellipsis: fc.boolean(),
});

/** The shape of a term: each letter's size (or 1 where `ones` says so and the letter is not repeated). */
function termShape(term: Term, sizes: Record<string, number>, ones: boolean[], dots: number[]): number[] {
  const axes = term.letters.map((l, i) =>
    ones[i] && term.letters.indexOf(l) === term.letters.lastIndexOf(l) ? 1 : sizes[l]!,
  );
  return term.ellipsis ? [...dots, ...axes] : axes;
}

export const einsumCases: fc.Arbitrary<EinsumCase> = fc
  .tuple(
    fc.array(termArb, { minLength: 1, maxLength: 3 }),
    fc.record(Object.fromEntries(LETTERS.map((l) => [l, fc.integer({ min: 2, max: 3 })]))),
    shapeArb(2, 3),
    fc.option(fc.tuple(fc.array(fc.boolean(), { maxLength: 6 }), fc.boolean()), { nil: null }),
  )
  .chain(([terms, sizes, dotsFull, explicit]) =>
    fc
      .tuple(
        fc.tuple(...terms.map(() => operandShapeArb(dotsFull))),
        fc.tuple(...terms.map(() => fc.array(rarely, { minLength: 3, maxLength: 3 }))),
      )
      .chain(([dots, ones]) => {
        const shapes = terms.map((t, i) => termShape(t, sizes as Record<string, number>, ones[i]!, dots[i]!));
        const lhs = terms.map((t) => (t.ellipsis ? '...' : '') + t.letters.join('')).join(',');
        let equation = lhs;
        if (explicit !== null) {
          const used = [...new Set(terms.flatMap((t) => t.letters))];
          const [picks, dotsOut] = explicit;
          const out = used.filter((_, i) => picks[i] ?? false).reverse();
          const hasDots = terms.some((t) => t.ellipsis) && dotsOut;
          equation = `${lhs}->${hasDots ? '...' : ''}${out.join('')}`;
        }
        return fc.record({
          equation: fc.constant(equation),
          operands: fc.tuple(...shapes.map((s) => dataArb(s, smooth))),
        });
      }),
  );

/** The labels of each operand and of the output, as numpy and torch read the equation ('#j' under '...'). */
function labelsOf(equation: string, shapes: readonly (readonly number[])[]): { ins: string[][]; out: string[] } {
  const [lhs, rhs] = equation.split('->');
  const terms = lhs!.split(',');
  const rank = (t: string): number => t.replace('...', '').length;
  const dots = Math.max(0, ...terms.map((t, i) => shapes[i]!.length - rank(t)));
  const allDots = Array.from({ length: dots }, (_, j) => `#${j}`);
  /** The term's letters with `dotLabels` where its '...' is (its index is the count of letters before it). */
  const place = (t: string, dotLabels: string[]): string[] => {
    const at = t.indexOf('...');
    const letters = t.replace('...', '').split('');
    return at < 0 ? letters : [...letters.slice(0, at), ...dotLabels, ...letters.slice(at)];
  };
  const ins = terms.map((t, i) => place(t, allDots.slice(dots - (shapes[i]!.length - rank(t)))));
  if (rhs !== undefined) return { ins, out: place(rhs, allDots) };
  const count = new Map<string, number>();
  for (const l of ins.flat()) if (!l.startsWith('#')) count.set(l, (count.get(l) ?? 0) + 1);
  const once = [...count].filter(([, c]) => c === 1).map(([l]) => l);
  return { ins, out: [...allDots, ...once.sort()] };
}

/** The naive einsum of `c`: its output shape and row-major values. */
export function naiveEinsum(c: EinsumCase): TensorData {
  const shapes = c.operands.map((d) => d.shape);
  const { ins, out } = labelsOf(c.equation, shapes);
  const size = new Map<string, number>();
  for (const [i, ls] of ins.entries())
    for (const [a, l] of ls.entries()) size.set(l, Math.max(size.get(l) ?? 1, shapes[i]![a]!));
  const labels = [...size.keys()];
  const outShape = out.map((l) => size.get(l)!);
  const values = new Array<number>(outShape.reduce((p, d) => p * d, 1)).fill(0);
  const idx = new Map<string, number>(labels.map((l) => [l, 0]));
  const total = labels.reduce((p, l) => p * size.get(l)!, 1);
  for (let n = 0; n < total; n++) {
    let r = n;
    for (const l of labels) {
      idx.set(l, r % size.get(l)!);
      r = Math.floor(r / size.get(l)!);
    }
    let term = 1;
    for (const [i, ls] of ins.entries()) {
      let flat = 0;
      for (const [a, l] of ls.entries()) flat = flat * shapes[i]![a]! + (shapes[i]![a] === 1 ? 0 : idx.get(l)!);
      term *= c.operands[i]!.values[flat]!;
    }
    const at = out.reduce((f, l, a) => f * outShape[a]! + idx.get(l)!, 0);
    values[at] = values[at]! + term;
  }
  return { shape: outShape, values };
}
