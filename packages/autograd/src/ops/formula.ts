/**
 * How an op's local derivative is written for people: the data the teaching tools read (traces,
 * pictures, symbolic derivatives, exercises). Part of every op record, so an op without a formula
 * fails to compile.
 *
 * Elementwise formulas are written in a small expression language that the teaching package
 * parses into expression trees, from which it writes text and LaTeX and builds symbolic
 * derivatives: numbers, the record's argument names, `out` (the op's output), `+ - · / ^`, unary
 * minus, calls such as `exp(x)`, `sigmoid(x)`, `step(x)` (1 where x > 0, else 0), `sign(x)`,
 * `atan2(a, b)`, and `{name}` for a parameter's value. In a derivative, `out` stands for the op's
 * result where the rule reads it (tanh: `1 - out^2`); people see it written out (`1 - tanh(x)²`).
 */

/** The labels and shapes a formula is written in. */
export interface FormulaContext<P> {
  /** The output's label. */
  readonly out: string;
  /** The inputs' labels, in input order. */
  readonly inputs: readonly string[];
  readonly params: P;
  readonly inputShapes: readonly (readonly number[])[];
  readonly outShape: readonly number[];
}

/** Text made from the labels, shapes and parameters (for ops whose derivative is not a factor). */
export type FormulaText<P> = (c: FormulaContext<P>) => string;

/**
 * An elementwise op: ∂out/∂input is a factor at each element.
 * @example
 * ```ts
 * const tanhFormula: ElementwiseFormula = { kind: 'elementwise', args: ['x'], out: 'tanh(x)', d: ['1 - out^2'] };
 * ```
 */
export interface ElementwiseFormula<P = unknown> {
  readonly kind: 'elementwise';
  /** How the op reads with its labels, where `out` is not how people write it (e.g. `cast(x, float64)`). */
  readonly show?: FormulaText<P>;
  /** The inputs' names in `out` and `d`. */
  readonly args: readonly string[];
  /** The op on one element, in the expression language. */
  readonly out: string;
  /** ∂out/∂arg for each argument, in the expression language (null where no gradient flows). */
  readonly d: readonly (string | null)[];
}

/**
 * Any other differentiable op (reductions, shape ops, matmul): how the op reads, and each input's
 * gradient in words or symbols in terms of G, the gradient arriving at the output.
 */
export interface VjpFormula<P> {
  readonly kind: 'vjp';
  readonly show: FormulaText<P>;
  readonly vjp: (c: FormulaContext<P>) => readonly (string | null)[];
  /**
   * The op on one-element operands, for symbolic derivatives of scalar graphs (sum of one element
   * is the element, matmul of 1×1 matrices a product); absent where that reading makes no sense.
   */
  readonly scalar?: Omit<ElementwiseFormula, 'kind' | 'show'>;
}

/** Not differentiable: how the op reads. */
export interface NoGradFormula<P> {
  readonly kind: 'none';
  readonly show: FormulaText<P>;
}

export type Formula<P> = ElementwiseFormula<P> | VjpFormula<P> | NoGradFormula<P>;
