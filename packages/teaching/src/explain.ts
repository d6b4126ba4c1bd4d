import type { NDArray } from '@chainrule/tensor';
import type { Tensor } from '@chainrule/autograd';
import {
  type ChainRuleStep,
  type ChainRuleTrace,
  type InputTerm,
  type SummedGradient,
  type TraceOptions,
  traceChainRule,
} from './chain-rule-trace.js';
import { type ValueFormat, formatValue } from './format.js';

/** Options of `explain`. */
export interface ExplainOptions extends TraceOptions, ValueFormat {
  /** Plain text (default) or a Markdown table. */
  format?: 'text' | 'markdown';
}

/**
 * Runs the backward pass from `y` and writes out every chain-rule step, from the output back
 * to the inputs: each op with its local derivative as a formula and a value, the upstream
 * gradient, their product, and the sums where a value is used more than once or where
 * broadcasting is undone. Call it instead of `y.backward()` (it runs the backward itself, with
 * retainGraph, and leaves `.grad` alone), or after `y.backward({ retainGraph: true })`.
 * @example
 * ```ts
 * const o = { requiresGrad: true, dtype: 'float64' } as const;
 * const x = named(tensor(-2, o), 'x'), y = named(tensor(5, o), 'y'), z = named(tensor(-4, o), 'z');
 * const f = named(named(x.add(y), 'q').mul(z), 'f');
 * console.log(explain(f)); // … x: local ∂q/∂x = 1;  ∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4 …
 * ```
 */
export function explain(y: Tensor, options: ExplainOptions = {}): string {
  return formatTrace(traceChainRule(y, options), options);
}

/** Writes a chain-rule trace as plain text or as Markdown tables. */
export function formatTrace(trace: ChainRuleTrace, options: ExplainOptions = {}): string {
  return options.format === 'markdown' ? markdown(trace, options) : text(trace, options);
}

const d = (num: string, den: string): string => `∂${num}/∂${den}`;

function text(trace: ChainRuleTrace, fmt: ValueFormat): string {
  const v = (x: NDArray): string => formatValue(x, fmt);
  const f = trace.root.label;
  const lines: string[] = [];
  lines.push(
    `Chain rule for ${f} = ${v(trace.root.tensor.value)}: ` +
      `${trace.steps.length} step${trace.steps.length === 1 ? '' : 's'}, from ${f} back to its inputs`,
  );
  lines.push('', 'Forward pass');
  for (const line of trace.forward) lines.push(`  ${line.node.label} = ${line.expression} = ${v(line.value)}`);
  lines.push('', `Backward pass (G is the upstream gradient ∂${f}/∂out)`);
  for (const s of trace.steps) {
    lines.push(`[${s.step}] ${s.node.label} = ${s.expression}   (${s.node.op})`);
    const usesG = s.inputs.some((t) => t.kind === 'vjp');
    lines.push(`    upstream ${usesG ? 'G = ' : ''}${upstreamText(f, s.node.label, s.upstream, fmt)}`);
    const heads = s.inputs.map((t) => `${t.input.label}: ${localText(f, s, t, fmt)}`);
    const products = s.inputs.map((t) => productText(f, s, t, fmt));
    const width = Math.max(0, ...heads.map((h) => h.length));
    const oneLine = width + Math.max(0, ...products.map((p) => p.length)) <= 110;
    heads.forEach((_, i) => {
      if (oneLine) lines.push(`    ${heads[i]!.padEnd(width)}   ${products[i]}`);
      else lines.push(`    ${heads[i]}`, `      ${products[i]}`);
    });
  }
  if (trace.leaves.length > 0) {
    lines.push('', `Gradients of the inputs`);
    const heads = trace.leaves.map((l) => `${l.node.label} = ${v(l.value)}`);
    const width = Math.max(...heads.map((h) => h.length));
    trace.leaves.forEach((l, i) => {
      lines.push(`  ${heads[i]!.padEnd(width)}   ${upstreamText(f, l.node.label, l.gradient, fmt)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** `∂f/∂a = 2 + 3 = 5 (sum over the 2 uses of a: by t4, by t5)` or `∂f/∂q = -4`. */
function upstreamText(f: string, label: string, g: SummedGradient, fmt: ValueFormat): string {
  const v = (x: NDArray): string => formatValue(x, fmt);
  if (g.parts.length <= 1) return `${d(f, label)} = ${v(g.total)}${g.parts.length === 0 ? ' (the seed)' : ''}`;
  const sum = g.parts.map((p) => v(p.value)).join(' + ');
  const via = g.parts.map((p) => p.via.label).join(', ');
  return `${d(f, label)} = ${sum} = ${v(g.total)}   (sum over the ${g.parts.length} uses of ${label}, by ${via})`;
}

/** `local ∂f/∂q = z = -4`, or for a vjp rule the gradient's formula in G. */
function localText(f: string, s: ChainRuleStep, t: InputTerm, fmt: ValueFormat): string {
  if (t.kind === 'vjp') return `${d(f, t.input.label)} = ${t.formula}`;
  const value = formatValue(t.local!, fmt);
  return `local ${d(s.node.label, t.input.label)} = ${t.formula}${value === t.formula ? '' : ` = ${value}`}`;
}

/** `∂f/∂x = ∂f/∂q · ∂q/∂x = -4 · 1 = -4`. */
function productText(f: string, s: ChainRuleStep, t: InputTerm, fmt: ValueFormat): string {
  const v = (x: NDArray): string => formatValue(x, fmt);
  const out = s.node.label,
    x = t.input.label;
  if (t.kind === 'vjp') return `= ${v(t.gradient)}`;
  const chain = s.node.isOutput ? '' : `${d(f, out)} ${times(s, t)} ${d(out, x)} = `;
  return `${d(f, x)} = ${chain}${productValues(s, t, fmt)} = ${v(t.gradient)}`;
}

/** `·` between scalars, `⊙` (elementwise) between tensors. */
function times(s: ChainRuleStep, t: InputTerm): string {
  return s.upstream.total.size === 1 && t.local !== null && t.local.size === 1 ? '·' : '⊙';
}

/** `(-4) · 1`: the upstream gradient times the local derivative, as values. */
function productValues(s: ChainRuleStep, t: InputTerm, fmt: ValueFormat): string {
  const neg = (x: string): string => (x.startsWith('-') ? `(${x})` : x);
  return `${neg(formatValue(s.upstream.total, fmt))} ${times(s, t)} ${neg(formatValue(t.local!, fmt))}`;
}

function markdown(trace: ChainRuleTrace, fmt: ValueFormat): string {
  const v = (x: NDArray): string => formatValue(x, fmt);
  const f = trace.root.label;
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  const lines: string[] = [];
  lines.push(`**Forward pass**`, '', row(['node', 'op', 'expression', 'value']), '| --- | --- | --- | --- |');
  for (const l of trace.forward) lines.push(row([l.node.label, l.node.op, l.expression, v(l.value)]));
  lines.push('', `**Backward pass** (${f} back to its inputs; G is the upstream gradient ${d(f, 'out')})`, '');
  lines.push(
    row([
      'step',
      'node',
      'op',
      'input',
      'local derivative',
      'local value',
      `upstream ${d(f, 'out')}`,
      `${d(f, 'input')} through this op`,
    ]),
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of trace.steps) {
    const up = upstreamCell(s.upstream, fmt);
    for (const t of s.inputs) {
      const local =
        t.kind === 'factor'
          ? `${d(s.node.label, t.input.label)} = ${t.formula}`
          : `${d(f, t.input.label)} = ${t.formula}`;
      const localValue = t.local === null ? '' : v(t.local);
      const product = t.kind === 'factor' ? `${productValues(s, t, fmt)} = ${v(t.gradient)}` : v(t.gradient);
      lines.push(
        row([
          String(s.step),
          `${s.node.label} = ${s.expression}`,
          s.node.op,
          t.input.label,
          local,
          localValue,
          up,
          product,
        ]),
      );
    }
  }
  if (trace.leaves.length > 0) {
    lines.push('', '**Gradients of the inputs**', '', row(['input', 'value', d(f, 'input')]), '| --- | --- | --- |');
    for (const l of trace.leaves) lines.push(row([l.node.label, v(l.value), upstreamCell(l.gradient, fmt)]));
  }
  return `${lines.join('\n')}\n`;
}

function upstreamCell(g: SummedGradient, fmt: ValueFormat): string {
  const v = (x: NDArray): string => formatValue(x, fmt);
  if (g.parts.length <= 1) return v(g.total);
  return `${g.parts.map((p) => `${v(p.value)} (via ${p.via.label})`).join(' + ')} = ${v(g.total)}`;
}
