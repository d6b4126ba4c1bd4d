/**
 * @chainrule/teaching: teaching and verification tools for chainrule graphs. Chain-rule traces
 * (`explain`, `traceChainRule`), pictures of the graph (`toDot`, `toMermaid`, `toSvg`, `toHtml`),
 * a checker for hand-derived gradients (`checkFormula`, `formatCheck`), symbolic derivatives
 * (`symbolicGradient`) and graded exercises (`createExercise`). Tensors, `backward` and
 * `detectAnomaly` come from `@chainrule/autograd`. The guide is this package's README.md.
 *
 * @example
 * ```ts
 * import { tensor } from '@chainrule/autograd';
 * import { explain, named, symbolicGradient } from '@chainrule/teaching';
 * const o = { requiresGrad: true, dtype: 'float64' } as const;
 * const x = named(tensor(-2, o), 'x'), y = named(tensor(5, o), 'y'), z = named(tensor(-4, o), 'z');
 * const q = named(x.add(y), 'q'), f = named(q.mul(z), 'f'); // f = (x + y)·z = -12
 * console.log(explain(f)); // every chain-rule step: ∂f/∂q = -4, ∂f/∂x = ∂f/∂y = -4, ∂f/∂z = 3
 * symbolicGradient(f, x).equation; // '∂f/∂x = z'
 * ```
 */

// The graph as the tools see it: labels, kinds, and the order of the nodes.
export { type GraphNode, type GraphNodeKind, type GraphView, collectGraph, named } from './graph.js';
export { type ValueFormat, formatNumber, formatValue } from './format.js';

// The chain-rule trace; each op's local derivative is read from the formula in its record.
export {
  type FactorRule,
  type LocalDerivativeRule,
  type NoGradRule,
  type VjpRule,
  localDerivative,
} from './local-derivatives.js';
export {
  type ChainRuleStep,
  type ChainRuleTrace,
  type ForwardLine,
  type GradientPart,
  type InputTerm,
  type LeafGradient,
  type SummedGradient,
  type TraceOptions,
  traceChainRule,
} from './chain-rule-trace.js';
export { type ExplainOptions, explain, formatTrace } from './explain.js';

// Pictures of the graph.
export {
  type Picture,
  type PictureEdge,
  type PictureFrame,
  type PictureNode,
  type PictureOptions,
  type PictureStyle,
  buildPicture,
} from './picture.js';
export { toDot } from './dot.js';
export {
  type ExpressionGraph,
  MAX_EXPRESSION_CHARS,
  graphFromExpression,
  parseValues,
} from './expression-graph.js';
export { toMermaid } from './mermaid.js';
export { type SvgOptions, toSvg } from './svg.js';
export { toSvgFrames } from './frames.js';
export { type TikzOptions, escapeLatex, toTikz } from './tikz.js';
export { type HtmlOptions, toHtml } from './html.js';

// Hand-derived gradients against autograd and finite differences.
export {
  type CheckFormulaOptions,
  type ElementComparison,
  type FormulaInput,
  type FormulaReport,
  type GradientFunction,
  type InputComparison,
  type ScalarFunction,
  type SweepOptions,
  type SweepReport,
  checkFormula,
} from './check-formula.js';
export { type FormatCheckOptions, formatCheck } from './format-check.js';
export {
  type BackpropCheck,
  type BackpropNetwork,
  type BackpropReport,
  type HandBackprop,
  checkBackprop,
} from './check-backprop.js';

// Symbolic derivatives of scalar graphs.
export { type Expr, type FunctionName, MAX_EXPRESSION_LENGTH } from './symbolic/expr.js';
export { type Definition, type SymbolicGradient, type SymbolicOptions, symbolicGradient } from './symbolic/derive.js';
export { evaluateExpression } from './symbolic/evaluate.js';
export { type ParseScope, parseFormula } from './symbolic/parse.js';

// Graded exercises, node by node.
export {
  type Exercise,
  type ExerciseMode,
  type ExerciseOptions,
  type ExerciseQuestion,
  type ExerciseResult,
  createExercise,
} from './exercise.js';
