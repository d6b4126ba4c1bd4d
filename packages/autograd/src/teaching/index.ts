/**
 * Teaching and verification tools: chain-rule traces, graph pictures, a formula checker,
 * symbolic derivatives and exercises. See packages/autograd/TEACHING.md.
 */
import '../methods.js'; // the Tensor methods the tools and the users' functions call

export { type GraphNode, type GraphNodeKind, type GraphView, collectGraph, named } from './graph.js';
export { type ValueFormat, formatNumber, formatValue } from './format.js';
export { type FactorRule, type FormulaContext, type LocalDerivativeRule, type LocalDerivativeTable, type NoGradRule, type VjpRule, LOCAL_DERIVATIVES } from './local-derivatives.js';
export { type ChainRuleStep, type ChainRuleTrace, type ForwardLine, type GradientPart, type InputTerm, type LeafGradient, type SummedGradient, type TraceOptions, traceChainRule } from './chain-rule-trace.js';
export { type ExplainOptions, explain, formatTrace } from './explain.js';
export { type Picture, type PictureEdge, type PictureNode, type PictureOptions, buildPicture } from './picture.js';
export { toDot } from './dot.js';
export { toMermaid } from './mermaid.js';
export { type SvgOptions, toSvg } from './svg.js';
export { type HtmlOptions, toHtml } from './html.js';
export { type CheckFormulaOptions, type ElementComparison, type FormulaInput, type FormulaReport, type GradientFunction, type InputComparison, type ScalarFunction, type SweepOptions, type SweepReport, checkFormula } from './check-formula.js';
export { type FormatCheckOptions, formatCheck } from './format-check.js';
export { type Expr, type FunctionName, MAX_EXPRESSION_LENGTH } from './symbolic/expr.js';
export { type Definition, type SymbolicGradient, type SymbolicOptions, symbolicGradient } from './symbolic/derive.js';
export { evaluateExpression } from './symbolic/evaluate.js';
export { type Exercise, type ExerciseMode, type ExerciseOptions, type ExerciseQuestion, type ExerciseResult, createExercise } from './exercise.js';
