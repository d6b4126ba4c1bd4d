/**
 * einsum's equation, read against its operands' shapes: each operand's labels (one per axis, the
 * axes under `...` given labels of their own, aligned from the right as in broadcasting), the output's
 * labels (explicit after `->`, or implicit: the ellipsis axes, then the letters that appear exactly
 * once, in alphabetical order, uppercase first) and every label's size. Nothing here touches a tensor.
 */
import * as T from '@chainrule/tensor';

/** A label: a letter's char code, or −k for the k-th axis from the right under the ellipsis. */
export type Label = number;

/** The equation resolved against the operand shapes. */
export interface EinsumSpec {
  /** Each operand's labels, one per axis (repeats mean a diagonal). */
  readonly inputs: readonly (readonly Label[])[];
  /** The output's labels, distinct. */
  readonly output: readonly Label[];
  /** Each label's size (the largest over the operands: size 1 broadcasts). */
  readonly sizes: ReadonlyMap<Label, number>;
}

const LETTER = /^[a-zA-Z]$/;

/** The text of a label, for messages. */
export function labelName(l: Label): string {
  return l < 0 ? `... axis ${l}` : `'${String.fromCharCode(l)}'`;
}

/** One term's letters (as char codes) and where its ellipsis sits (−1 if none). */
function parseTerm(term: string, where: string): { letters: Label[]; ellipsis: number } {
  const letters: Label[] = [];
  let ellipsis = -1;
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('...', i)) {
      if (ellipsis >= 0) throw new T.RangeError('einsum', `${where} has more than one ellipsis: '${term}'`);
      ellipsis = letters.length;
      i += 2;
    } else if (LETTER.test(term[i]!)) letters.push(term.charCodeAt(i));
    else
      throw new T.RangeError(
        'einsum',
        `invalid subscript '${term[i]}' in ${where} '${term}' (expected letters and ...)`,
      );
  }
  return { letters, ellipsis };
}

/** The labels of an operand of rank `ndim` for its term (ellipsis axes labelled −k from the right). */
function operandLabels(term: { letters: Label[]; ellipsis: number }, ndim: number, i: number, text: string): Label[] {
  const extra = ndim - term.letters.length;
  if (extra < 0 || (term.ellipsis < 0 && extra !== 0)) {
    const want = term.ellipsis < 0 ? `${term.letters.length}` : `at least ${term.letters.length}`;
    throw new T.ShapeError('einsum', `operand ${i} has ${ndim} dimensions but its subscripts '${text}' name ${want}`);
  }
  if (term.ellipsis < 0) return term.letters;
  const dots = Array.from({ length: extra }, (_, j) => -(extra - j));
  return [...term.letters.slice(0, term.ellipsis), ...dots, ...term.letters.slice(term.ellipsis)];
}

/** Every label's size; sizes that differ must be 1 somewhere (broadcast), else a ShapeError. */
function labelSizes(inputs: readonly Label[][], shapes: readonly (readonly number[])[]): Map<Label, number> {
  const sizes = new Map<Label, number>();
  const from = new Map<Label, number>();
  for (const [i, labels] of inputs.entries()) {
    for (const [axis, l] of labels.entries()) {
      const n = shapes[i]![axis]!;
      const seen = sizes.get(l);
      if (labels.indexOf(l) !== axis && shapes[i]![labels.indexOf(l)] !== n) {
        throw new T.ShapeError(
          'einsum',
          `subscript ${labelName(l)} is repeated in operand ${i} ${T.fmtShape(shapes[i]!)} with sizes that differ`,
        );
      }
      if (seen === undefined || seen === 1) {
        sizes.set(l, n);
        from.set(l, i);
      } else if (n !== seen && n !== 1) {
        const sizesText = `size ${seen} in operand ${from.get(l)} and ${n} in operand ${i} ${T.fmtShape(shapes[i]!)}`;
        throw new T.ShapeError('einsum', `subscript ${labelName(l)} has ${sizesText}`);
      }
    }
  }
  return sizes;
}

/**
 * Reads `equation` against the operands' shapes.
 * @throws RangeError `einsum: invalid subscript '1' in operand 0 'i1' (expected letters and ...)`
 * @throws ShapeError `einsum: the equation has 2 operands, got 3 tensors`
 */
export function parseEinsum(equation: string, shapes: readonly (readonly number[])[]): EinsumSpec {
  if (typeof equation !== 'string')
    throw new T.DTypeError('einsum', `the equation must be a string, got ${typeof equation}`);
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  if (arrow >= 0 && eq.indexOf('->', arrow + 1) >= 0)
    throw new T.RangeError('einsum', `more than one '->' in '${equation}'`);
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) {
    throw new T.ShapeError(
      'einsum',
      `the equation '${equation}' has ${terms.length} operands, got ${shapes.length} tensors`,
    );
  }
  const inputs = terms.map((t, i) => operandLabels(parseTerm(t, `operand ${i}`), shapes[i]!.length, i, t));
  const sizes = labelSizes(inputs, shapes);
  const dots = Math.max(0, ...inputs.map((ls) => ls.filter((l) => l < 0).length));
  const allDots = Array.from({ length: dots }, (_, j) => -(dots - j));
  const output = arrow >= 0 ? explicitOutput(eq.slice(arrow + 2), sizes, allDots) : implicitOutput(inputs, allDots);
  return { inputs, output, sizes };
}

/** The output's labels as written after `->` (`...` for the ellipsis axes). */
function explicitOutput(text: string, sizes: ReadonlyMap<Label, number>, dots: readonly Label[]): Label[] {
  const term = parseTerm(text, 'the output');
  term.letters.forEach((l, i) => {
    if (term.letters.indexOf(l) !== i)
      throw new T.RangeError('einsum', `output subscript ${labelName(l)} appears more than once`);
    if (!sizes.has(l)) throw new T.RangeError('einsum', `output subscript ${labelName(l)} appears in no operand`);
  });
  if (term.ellipsis < 0) return term.letters;
  return [...term.letters.slice(0, term.ellipsis), ...dots, ...term.letters.slice(term.ellipsis)];
}

/** The implicit output: the ellipsis axes, then the letters used exactly once, sorted. */
function implicitOutput(inputs: readonly Label[][], dots: readonly Label[]): Label[] {
  const count = new Map<Label, number>();
  for (const ls of inputs) for (const l of ls) if (l >= 0) count.set(l, (count.get(l) ?? 0) + 1);
  const once = [...count].filter(([, c]) => c === 1).map(([l]) => l);
  return [...dots, ...once.sort((a, b) => a - b)];
}
