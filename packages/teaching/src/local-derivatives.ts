/**
 * The local derivative of every op, for people, read from the op's record (its `formula`): how
 * the op reads in the labels of its inputs, ∂out/∂input as a formula, and (for elementwise ops)
 * its value at the point, computed from the same formula.
 */
import type { FormulaContext, OpRecord } from '@chainrule/autograd';
import * as T from '@chainrule/tensor';
import type { NDArray } from '@chainrule/tensor';
import { type Expr, num, sym } from './symbolic/expr.js';
import { evaluateValue } from './symbolic/evaluate.js';
import type { Value } from './symbolic/functions.js';
import { parseFormula } from './symbolic/parse.js';

interface RuleBase {
  /** The forward op written with its labels, e.g. `q + z` or `tanh(x)`. */
  readonly expression: (c: FormulaContext<unknown>) => string;
}

/** An elementwise op: the gradient to an input is the upstream gradient times a factor at each element. */
export interface FactorRule extends RuleBase {
  readonly kind: 'factor';
  /** ∂out/∂input, one formula per input (null where no gradient flows). */
  readonly formulas: (c: FormulaContext<unknown>) => readonly (string | null)[];
  /** The factors' values, each of the output's shape (null where no gradient flows). */
  readonly values: (inputs: readonly NDArray[], output: NDArray, params: unknown) => readonly (NDArray | null)[];
}

/** An op whose Jacobian is not a plain factor: the formula gives the input's gradient in terms of G. */
export interface VjpRule extends RuleBase {
  readonly kind: 'vjp';
  readonly formulas: (c: FormulaContext<unknown>) => readonly (string | null)[];
}

/** Not differentiable: no gradient flows through it. */
export interface NoGradRule extends RuleBase {
  readonly kind: 'none';
}

export type LocalDerivativeRule = FactorRule | VjpRule | NoGradRule;

/** A label as an expression: a number when it reads as one, else a symbol. */
function labelExpr(label: string): Expr {
  return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(label) ? num(Number(label)) : sym(label);
}

const rules = new WeakMap<object, LocalDerivativeRule>();

/**
 * The local-derivative rule of an op, from its record's formula (made once per record).
 * @example
 * ```ts
 * localDerivative(opRecord('tanh')).formulas(ctx); // ['1 - tanh(x)²'] for an input labelled x
 * ```
 */
export function localDerivative(record: OpRecord<unknown>): LocalDerivativeRule {
  let rule = rules.get(record);
  if (rule === undefined) {
    rule = build(record);
    rules.set(record, rule);
  }
  return rule;
}

function build(record: OpRecord<unknown>): LocalDerivativeRule {
  const f = record.formula;
  if (f.kind === 'none') return { kind: 'none', expression: f.show };
  if (f.kind === 'vjp') return { kind: 'vjp', expression: f.show, formulas: f.vjp };
  const labelled = (c: FormulaContext<unknown>): { out: Expr; names: Record<string, Expr> } => {
    const names: Record<string, Expr> = {};
    f.args.forEach((a, i) => {
      names[a] = labelExpr(c.inputs[i] ?? '0');
    });
    const out = parseFormula(f.out, { names, params: c.params, strict: true });
    return { out, names: { ...names, out } };
  };
  return {
    kind: 'factor',
    expression: (c) => (f.show === undefined ? labelled(c).out.text : f.show(c)),
    formulas: (c) => {
      const { names } = labelled(c);
      return f.d.map((d) => (d === null ? null : parseFormula(d, { names, params: c.params, strict: true }).text));
    },
    values: (inputs, output, params) => {
      const symbols: Record<string, Expr> = { out: sym('out') };
      for (const a of f.args) symbols[a] = sym(a);
      const values: Record<string, Value> = { out: output };
      f.args.forEach((a, i) => {
        values[a] = inputs[i]!;
      });
      return f.d.map((d) =>
        d === null
          ? null
          : asArray(evaluateValue(parseFormula(d, { names: symbols, params, strict: true }), values), output),
      );
    },
  };
}

/**
 * A factor as an array of the output's shape and dtype (a constant such as 1 comes out as a number; a mask as bool).
 */
function asArray(v: Value, like: NDArray): NDArray {
  if (typeof v === 'number') return T.fullLike(like, v);
  return v.dtype === like.dtype ? v : T.cast(v, like.dtype);
}
